package train

import (
	"fmt"
	"math"

	"github.com/deepnet-go/deepnet/internal/f32"
	"github.com/deepnet-go/deepnet/nn"
)

// Adam is Kingma and Ba's Adam (2015) as PyTorch's torch.optim.Adam
// computes it, with network3's L2 term added to the gradient before the
// moments (torch.optim.Adam's weight_decay = λ/B, coupled, not AdamW's):
// for the t-th step of a parameter, with d = ∂C/∂w + λ/B·w (weights only),
//
//	m ← β1·m + (1-β1)·d
//	v ← β2·v + (1-β2)·d²
//	w ← w - η/(1-β1^t) · m / (√v/√(1-β2^t) + ε)
//
// ε is added to the bias-corrected root of v, as PyTorch adds it. The bias
// corrections are computed once per parameter and step in float64; the
// per-weight arithmetic is f32.AdamUpdate's. Like PyTorch, Adam counts
// the steps of each parameter.
type Adam struct {
	Lambda float64
	// Batches is B, the number of mini-batches in an epoch.
	Batches           int
	Beta1, Beta2, Eps float64
	// M and V are the first and second moments (PyTorch's exp_avg and
	// exp_avg_sq), Steps the steps taken, one per parameter (nil, 0 for
	// buffers); they are part of a checkpoint.
	M, V  [][]float32
	Steps []int64
	index paramIndex
}

// NewAdam returns Adam for params with L2 regularisation λ (lambda) over
// batches mini-batches an epoch and decay rates beta1, beta2 and eps (see
// ParseOptimizer for the checks and PyTorch's defaults).
func NewAdam(params []*nn.Param, lambda float64, batches int, beta1, beta2, eps float64) *Adam {
	if batches < 1 {
		panic(fmt.Sprintf("train: NewAdam: %d mini-batches per epoch", batches))
	}
	return &Adam{Lambda: lambda, Batches: batches, Beta1: beta1, Beta2: beta2, Eps: eps,
		M: perWeight(params), V: perWeight(params), Steps: make([]int64, len(params)), index: newParamIndex(params)}
}

// Name returns "adam".
func (o *Adam) Name() string { return OptimizerAdam }

// State returns the moments and the step counts.
func (o *Adam) State() OptimizerState {
	return OptimizerState{Slots: []Slot{{"exp_avg", o.M}, {"exp_avg_sq", o.V}}, Steps: o.Steps}
}

// Step updates params with learning rate eta. It does not allocate.
func (o *Adam) Step(params []*nn.Param, eta float64) {
	for _, p := range params {
		if p.Grad == nil {
			continue
		}
		i := o.index.at(p, "Adam")
		o.Steps[i]++
		t := float64(o.Steps[i])
		bc1, bc2 := 1-math.Pow(o.Beta1, t), 1-math.Pow(o.Beta2, t)
		f32.AdamUpdate(p.Value.Data, p.Grad.Data, o.M[i], o.V[i], f32.AdamScalars{
			Decay: l2(p, o.Lambda, o.Batches),
			Beta1: float32(o.Beta1), Beta2: float32(o.Beta2),
			OneMinusBeta1: float32(1 - o.Beta1), OneMinusBeta2: float32(1 - o.Beta2),
			Rate: float32(eta / bc1), SqrtCorrection2: float32(math.Sqrt(bc2)), Eps: float32(o.Eps),
		})
	}
}

// RMSprop is Hinton's RMSprop as PyTorch's torch.optim.RMSprop computes
// it without momentum and not centred, with network3's L2 term added to
// the gradient (coupled, as Adam's): with d = ∂C/∂w + λ/B·w (weights
// only),
//
//	v ← α·v + (1-α)·d²
//	w ← w - η·d / (√v + ε)
type RMSprop struct {
	Lambda float64
	// Batches is B, the number of mini-batches in an epoch.
	Batches    int
	Alpha, Eps float64
	// V is the mean square of the gradients (PyTorch's square_avg), one
	// per parameter (nil for buffers); it is part of a checkpoint.
	V     [][]float32
	index paramIndex
}

// NewRMSprop returns RMSprop for params with L2 regularisation λ over
// batches mini-batches an epoch, decay rate alpha and eps.
func NewRMSprop(params []*nn.Param, lambda float64, batches int, alpha, eps float64) *RMSprop {
	if batches < 1 {
		panic(fmt.Sprintf("train: NewRMSprop: %d mini-batches per epoch", batches))
	}
	return &RMSprop{Lambda: lambda, Batches: batches, Alpha: alpha, Eps: eps, V: perWeight(params), index: newParamIndex(params)}
}

// Name returns "rmsprop".
func (o *RMSprop) Name() string { return OptimizerRMSprop }

// State returns the mean squares.
func (o *RMSprop) State() OptimizerState {
	return OptimizerState{Slots: []Slot{{"square_avg", o.V}}}
}

// Step updates params with learning rate eta. It does not allocate.
func (o *RMSprop) Step(params []*nn.Param, eta float64) {
	for _, p := range params {
		if p.Grad == nil {
			continue
		}
		i := o.index.at(p, "RMSprop")
		f32.RMSpropUpdate(p.Value.Data, p.Grad.Data, o.V[i], float32(eta), l2(p, o.Lambda, o.Batches),
			float32(o.Alpha), float32(1-o.Alpha), float32(o.Eps))
	}
}
