package train

import (
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/deepnet-go/deepnet/nn"
)

// Optimizer updates the trained parameters of a run from their gradients.
// SGD (with momentum or Nesterov's), Adam and RMSprop implement it;
// Config.Optimizer selects one (NewOptimizer). Every optimiser adds
// network3's L2 term λ/B·w (B the mini-batches of an epoch) to the
// gradient of each weight (nn.Param.Decay) before anything else, so that λ
// means the same whatever the optimiser.
type Optimizer interface {
	// Name is the optimiser's name as Config.Optimizer spells it: "sgd",
	// "adam" or "rmsprop". A checkpoint records it, and a run resumes
	// only with the optimiser it started with.
	Name() string
	// Step updates params, all those the optimiser was made for or a
	// group of them (a layer's, inside the backward pass), from their
	// gradients at learning rate eta; it skips buffers (nil Grad). It
	// does not allocate.
	Step(params []*nn.Param, eta float64)
	// State returns the optimiser's state between steps, which a
	// checkpoint keeps. Its slices are the optimiser's own: a checkpoint
	// reads them, a resumed run copies the saved values into them.
	State() OptimizerState
}

// OptimizerState is what an optimiser carries from one step to the next.
type OptimizerState struct {
	// Slots are tensors of one value per weight, such as momentum's
	// velocity.
	Slots []Slot
	// Steps counts the steps each parameter has taken, in the order the
	// optimiser was given them (0 for buffers): Adam's t, from which its
	// bias corrections follow. Nil for optimisers that do not count.
	Steps []int64
}

// Slot is one kind of per-weight state.
type Slot struct {
	// Name names the slot in checkpoints ("velocity"; PyTorch's
	// "exp_avg", "exp_avg_sq", "square_avg"): the tensor of parameter P
	// is Name/P.
	Name string
	// Data holds one slice per parameter, in the order the optimiser was
	// given them: nil for buffers.
	Data [][]float32
}

// Optimiser names (Config.Optimizer, Optimizer.Name).
const (
	OptimizerSGD     = "sgd"
	OptimizerAdam    = "adam"
	OptimizerRMSprop = "rmsprop"
)

// OptimizerSpec is Config.Optimizer read by ParseOptimizer: a name and
// the hyper-parameters of Adam and RMSprop (SGD's momentum is Config's).
type OptimizerSpec struct {
	// Name is OptimizerSGD, OptimizerAdam or OptimizerRMSprop.
	Name string
	// Beta1, Beta2 are Adam's decay rates of the first and second moments
	// (β1, β2), Alpha RMSprop's of the mean square (α), and Eps the ε
	// either adds to the root of its second moment.
	Beta1, Beta2, Alpha, Eps float64
}

// The defaults of PyTorch's torch.optim.Adam and torch.optim.RMSprop.
const (
	DefaultBeta1        = 0.9
	DefaultBeta2        = 0.999
	DefaultRMSpropAlpha = 0.99
	DefaultEps          = 1e-8
)

// UnknownOptimizerError reports an optimiser name ParseOptimizer does not
// know.
type UnknownOptimizerError struct{ Name string }

func (e *UnknownOptimizerError) Error() string {
	return fmt.Sprintf("unknown optimiser %q (valid: sgd, adam, adam:BETA1:BETA2:EPS, rmsprop, rmsprop:ALPHA:EPS)", e.Name)
}

// ParseOptimizer reads Config.Optimizer: "sgd" (or ""), "adam" or
// "adam:BETA1:BETA2:EPS", "rmsprop" or "rmsprop:ALPHA:EPS". Values left
// out are PyTorch's defaults (β1 0.9, β2 0.999, α 0.99, ε 1e-8); a list may
// stop early ("adam:0.8" sets β1 alone). An unknown name is an
// *UnknownOptimizerError.
func ParseOptimizer(s string) (OptimizerSpec, error) {
	name, rest, _ := strings.Cut(s, ":")
	spec := OptimizerSpec{Name: name}
	var fields []*float64
	var names []string
	switch name {
	case "", OptimizerSGD:
		spec.Name = OptimizerSGD
	case OptimizerAdam:
		spec.Beta1, spec.Beta2, spec.Eps = DefaultBeta1, DefaultBeta2, DefaultEps
		fields, names = []*float64{&spec.Beta1, &spec.Beta2, &spec.Eps}, []string{"β1", "β2", "ε"}
	case OptimizerRMSprop:
		spec.Alpha, spec.Eps = DefaultRMSpropAlpha, DefaultEps
		fields, names = []*float64{&spec.Alpha, &spec.Eps}, []string{"α", "ε"}
	default:
		return OptimizerSpec{}, &UnknownOptimizerError{Name: name}
	}
	if rest == "" && !strings.Contains(s, ":") {
		return spec, nil
	}
	values := strings.Split(rest, ":")
	if len(fields) == 0 {
		return OptimizerSpec{}, fmt.Errorf("optimiser %q: sgd takes no values (its momentum is a setting of its own)", s)
	}
	if len(values) > len(fields) {
		return OptimizerSpec{}, fmt.Errorf("optimiser %q: %s takes at most %d values (%s)", s, spec.Name, len(fields), strings.Join(names, ", "))
	}
	for i, v := range values {
		x, err := strconv.ParseFloat(v, 64)
		if err != nil {
			return OptimizerSpec{}, fmt.Errorf("optimiser %q: %s %q is not a number", s, names[i], v)
		}
		*fields[i] = x
	}
	if err := spec.check(); err != nil {
		return OptimizerSpec{}, fmt.Errorf("optimiser %q: %v", s, err)
	}
	return spec, nil
}

// check reports a hyper-parameter that cannot be meant.
func (s OptimizerSpec) check() error {
	unit := func(x float64) bool { return x >= 0 && x < 1 }
	switch {
	case s.Name == OptimizerAdam && !unit(s.Beta1):
		return fmt.Errorf("β1 %v outside [0, 1)", s.Beta1)
	case s.Name == OptimizerAdam && !unit(s.Beta2):
		return fmt.Errorf("β2 %v outside [0, 1)", s.Beta2)
	case s.Name == OptimizerRMSprop && !unit(s.Alpha):
		return fmt.Errorf("α %v outside [0, 1)", s.Alpha)
	case s.Name != OptimizerSGD && !(s.Eps > 0 && !math.IsInf(s.Eps, 0)):
		return fmt.Errorf("ε %v must be positive and finite", s.Eps)
	}
	return nil
}

// String formats s as ParseOptimizer reads it, every value written out:
// "sgd", "adam:0.9:0.999:1e-08", "rmsprop:0.99:1e-08".
func (s OptimizerSpec) String() string {
	switch s.Name {
	case OptimizerAdam:
		return fmt.Sprintf("adam:%g:%g:%g", s.Beta1, s.Beta2, s.Eps)
	case OptimizerRMSprop:
		return fmt.Sprintf("rmsprop:%g:%g", s.Alpha, s.Eps)
	}
	return s.Name
}

// NewOptimizer returns the optimiser of cfg (Optimizer; Lambda; Momentum
// or MomentumSchedule, and Nesterov for SGD) for params, with network3's L2 term λ/batches.
// The error says what does not fit.
func NewOptimizer(cfg Config, params []*nn.Param, batches int) (Optimizer, error) {
	spec, err := cfg.optimizerSpec()
	if err != nil {
		return nil, err
	}
	switch spec.Name {
	case OptimizerAdam:
		return NewAdam(params, cfg.Lambda, batches, spec.Beta1, spec.Beta2, spec.Eps), nil
	case OptimizerRMSprop:
		return NewRMSprop(params, cfg.Lambda, batches, spec.Alpha, spec.Eps), nil
	}
	o := NewSGD(params, cfg.Eta, cfg.Lambda, batches, cfg.Momentum, cfg.Nesterov)
	if cfg.MomentumSchedule != nil {
		o.Momentum = cfg.MomentumSchedule.Momentum(0, cfg.Epochs)
		o.Velocity = perWeight(params)
	}
	return o, nil
}

// optimizerSpec reads cfg.Optimizer and checks that the momentum settings
// belong to it.
func (cfg *Config) optimizerSpec() (OptimizerSpec, error) {
	spec, err := ParseOptimizer(cfg.Optimizer)
	if err != nil {
		return spec, fmt.Errorf("train: %w", err)
	}
	if spec.Name != OptimizerSGD && (cfg.Momentum != 0 || cfg.Nesterov) {
		return spec, fmt.Errorf("train: momentum %v (Nesterov %v) is SGD's; %s keeps its own moments", cfg.Momentum, cfg.Nesterov, spec.Name)
	}
	return spec, cfg.checkMomentumSchedule(spec)
}

// paramIndex maps each parameter an optimiser was made for to its place.
type paramIndex map[*nn.Param]int

func newParamIndex(params []*nn.Param) paramIndex {
	ix := make(paramIndex, len(params))
	for i, p := range params {
		ix[p] = i
	}
	return ix
}

// at returns p's place, or panics for the optimiser named who.
func (ix paramIndex) at(p *nn.Param, who string) int {
	i, ok := ix[p]
	if !ok {
		panic(fmt.Sprintf("train: %s.Step: parameter %s was not given to New%s", who, p.Name, who))
	}
	return i
}

// perWeight returns a slice the size of each trained parameter (nil for
// buffers).
func perWeight(params []*nn.Param) [][]float32 {
	s := make([][]float32, len(params))
	for i, p := range params {
		if p.Grad != nil {
			s[i] = make([]float32, p.Value.Len())
		}
	}
	return s
}

// l2 returns the L2 coefficient of p's step: λ/B for weights, 0 for the
// parameters L2 regularisation leaves alone (biases).
func l2(p *nn.Param, lambda float64, batches int) float32 {
	if !p.Decay {
		return 0
	}
	return float32(lambda / float64(batches))
}
