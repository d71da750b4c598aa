package train

import (
	"fmt"

	"github.com/deepnet-go/deepnet/internal/f32"

	"github.com/deepnet-go/deepnet/nn"
)

// SGD is stochastic gradient descent with network3's L2 regularisation and,
// beyond the book, (Nesterov) momentum. With Momentum 0 it is network3's
// plain update
//
//	w ← w - η·(∂C/∂w + λ/B·w)
//
// where C is the mean log-likelihood of the mini-batch and B the number of
// mini-batches per epoch (network3 adds 0.5·λ·Σw²/B to the cost). Biases are
// not regularised. With momentum μ: v ← μ·v - η·g, w ← w + v (Nesterov:
// w ← w + μ·v - η·g).
type SGD struct {
	Eta, Lambda float64
	// Batches is B, the number of mini-batches in an epoch.
	Batches  int
	Momentum float64
	Nesterov bool
	// Velocity holds one slice per parameter when Momentum > 0, or when a
	// momentum schedule may change Momentum (nil for buffers, which have
	// no gradient); it is part of a checkpoint. Without it a step is
	// plain SGD.
	Velocity [][]float32
	// index maps each parameter to its place in Velocity.
	index map[*nn.Param]int
}

// NewSGD returns an optimiser for params.
func NewSGD(params []*nn.Param, eta, lambda float64, batches int, momentum float64, nesterov bool) *SGD {
	if batches < 1 {
		panic(fmt.Sprintf("train: NewSGD: %d mini-batches per epoch", batches))
	}
	o := &SGD{Eta: eta, Lambda: lambda, Batches: batches, Momentum: momentum, Nesterov: nesterov,
		index: make(map[*nn.Param]int, len(params))}
	for i, p := range params {
		o.index[p] = i
	}
	if momentum != 0 {
		o.Velocity = make([][]float32, len(params))
		for i, p := range params {
			if p.Grad != nil {
				o.Velocity[i] = make([]float32, p.Value.Len())
			}
		}
	}
	return o
}

// Name returns "sgd", with momentum or without.
func (o *SGD) Name() string { return OptimizerSGD }

// State returns the velocity when there is momentum.
func (o *SGD) State() OptimizerState {
	if o.Velocity == nil {
		return OptimizerState{}
	}
	return OptimizerState{Slots: []Slot{{"velocity", o.Velocity}}}
}

// Step updates params (all those NewSGD was given, or some of them) from
// their gradients with learning rate eta (the schedule's rate for this
// step). It does not allocate.
func (o *SGD) Step(params []*nn.Param, eta float64) {
	for _, p := range params {
		if p.Grad == nil { // a buffer, such as batch normalisation's running mean
			continue
		}
		decay := float32(0)
		if p.Decay {
			decay = float32(o.Lambda / float64(o.Batches))
		}
		w, g := p.Value.Data, p.Grad.Data
		if o.Velocity == nil {
			f32.SGDUpdate(w, g, float32(eta), decay)
			continue
		}
		i, ok := o.index[p]
		if !ok {
			panic(fmt.Sprintf("train: SGD.Step: parameter %s was not given to NewSGD", p.Name))
		}
		f32.MomentumUpdate(w, g, o.Velocity[i], float32(eta), decay, float32(o.Momentum), o.Nesterov)
	}
}
