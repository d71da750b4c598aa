package train

import (
	"context"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/deepnet-go/deepnet/nn"
)

// Trainer runs the epochs of one training run of an Objective with an
// Optimizer; it owns every buffer a step needs, so a step does not
// allocate.
type Trainer struct {
	obj     Objective
	cfg     Config
	opt     Optimizer
	batches int
	// trained are the objective's parameters with a gradient that are not
	// frozen: those gradient clipping measures and an update changes.
	trained []*nn.Param
	// perParam is set when a step must look at each parameter: some are
	// frozen or have a rate of their own (Config.Rates).
	perParam bool
	order    []int
	// update applies the optimiser to one group of parameters with the
	// step's rate, stepEta, inside the objective's backward pass.
	update  func([]*nn.Param)
	stepEta float64
	// group is the trainer's share of Config.Comm (nil: one process).
	group *group
}

// NewTrainer prepares training obj with the loop settings of cfg (Epochs,
// Batch, Eta, Lambda, Optimizer, Momentum, MomentumSchedule, Nesterov,
// ClipNorm, Schedule, Rates, Seed, SelectLast, Patience; parameters
// marked nn.Param.Frozen are never updated). The error says what
// does not fit.
func NewTrainer(obj Objective, cfg Config) (*Trainer, error) {
	if err := cfg.checkLoop(obj); err != nil {
		return nil, err
	}
	batches := obj.Examples() / cfg.Batch
	opt, err := NewOptimizer(cfg, obj.Params(), batches)
	if err != nil {
		return nil, err
	}
	t := &Trainer{obj: obj, cfg: cfg, opt: opt, batches: batches, order: make([]int, obj.Examples()), perParam: len(cfg.Rates) > 0}
	for _, p := range obj.Params() {
		switch {
		case p.Grad == nil:
		case p.Frozen:
			t.perParam = true
		default:
			t.trained = append(t.trained, p)
		}
	}
	if len(t.trained) == 0 {
		return nil, errors.New("train: every trained parameter is frozen: nothing to train")
	}
	t.update = func(ps []*nn.Param) { t.step(ps, t.stepEta) }
	if t.group, err = newGroup(cfg.Comm, obj, t.trained, cfg.Batch); err != nil {
		return nil, err
	}
	return t, nil
}

// checkLoop reports settings of the loop that cannot be meant.
func (cfg *Config) checkLoop(obj Objective) error {
	switch {
	case cfg.Epochs < 0:
		return fmt.Errorf("train: %d epochs", cfg.Epochs)
	case cfg.Batch < 1 || cfg.Batch > obj.MaxBatch():
		return fmt.Errorf("train: mini-batch %d outside 1..%d", cfg.Batch, obj.MaxBatch())
	case obj.Examples() < cfg.Batch:
		return fmt.Errorf("train: %d training examples, fewer than one mini-batch of %d", obj.Examples(), cfg.Batch)
	case !(cfg.Eta > 0) || math.IsInf(cfg.Eta, 0):
		return fmt.Errorf("train: learning rate η %v must be positive and finite", cfg.Eta)
	case !(cfg.Lambda >= 0) || math.IsInf(cfg.Lambda, 0):
		return fmt.Errorf("train: L2 regularisation λ %v must be finite and not negative", cfg.Lambda)
	case !(cfg.Momentum >= 0 && cfg.Momentum < 1):
		return fmt.Errorf("train: momentum %v outside [0, 1)", cfg.Momentum)
	case !(cfg.ClipNorm >= 0) || math.IsInf(cfg.ClipNorm, 0):
		return fmt.Errorf("train: gradient clipping norm %v must be finite and not negative (0: no clipping)", cfg.ClipNorm)
	case cfg.Patience < 0:
		return fmt.Errorf("train: patience %d is negative", cfg.Patience)
	case cfg.Average < 0:
		return fmt.Errorf("train: averaging %d epochs", cfg.Average)
	case cfg.Final && (cfg.Patience > 0 || cfg.SelectLast > 0):
		return fmt.Errorf("train: a final model (no validation) cannot stop early (patience %d) or select among the last %d epochs", cfg.Patience, cfg.SelectLast)
	case cfg.SelectLast < 0 || cfg.SelectLast > cfg.Epochs || (cfg.SelectLast > 0 && cfg.Patience > 0):
		return fmt.Errorf("train: selecting among the last %d epochs: want 0..%d epochs and no early stopping (patience %d)", cfg.SelectLast, cfg.Epochs, cfg.Patience)
	}
	if err := cfg.checkRates(obj.Params()); err != nil {
		return err
	}
	_, err := cfg.optimizerSpec()
	return err
}

// checkRates reports a factor of Rates that is not positive and finite,
// or that belongs to no parameter of params.
func (cfg *Config) checkRates(params []*nn.Param) error {
	if len(cfg.Rates) == 0 {
		return nil
	}
	known := make(map[*nn.Param]bool, len(params))
	for _, p := range params {
		known[p] = true
	}
	for p, r := range cfg.Rates {
		switch {
		case !known[p]:
			return fmt.Errorf("train: a learning rate for %s, which is not a parameter of the objective", p.Name)
		case !(r > 0) || math.IsInf(r, 0):
			return fmt.Errorf("train: learning-rate factor %v of %s must be positive and finite (freeze a layer not to train it)", r, p.Name)
		}
	}
	return nil
}

// step updates the parameters ps that are trained, each at eta times its
// factor in Config.Rates (1 when it has none), leaving frozen ones alone.
// It does not allocate.
func (t *Trainer) step(ps []*nn.Param, eta float64) {
	if !t.perParam {
		t.opt.Step(ps, eta)
		return
	}
	for i, p := range ps {
		if p.Grad == nil || p.Frozen {
			continue
		}
		r, ok := t.cfg.Rates[p]
		if !ok {
			r = 1
		}
		t.opt.Step(ps[i:i+1], eta*r)
	}
}

// Optimizer returns the trainer's optimiser, whose state a checkpoint
// saves.
func (t *Trainer) Optimizer() Optimizer { return t.opt }

// eta returns the learning rate of epoch: Eta scaled by the schedule.
func (t *Trainer) eta(epoch int) float64 {
	if t.cfg.Schedule == nil {
		return t.cfg.Eta
	}
	return t.cfg.Eta * t.cfg.Schedule.Factor(epoch, t.cfg.Epochs)
}

// Epoch trains one epoch: the examples in an order drawn from (Seed, epoch)
// (in order, for an Ordered objective), in mini-batches (a last partial
// batch is dropped, as network3), with the epoch's momentum when there is
// a MomentumSchedule. It returns
// the mean training cost of the epoch. A cost that is NaN or infinite stops
// it with a *DivergedError.
func (t *Trainer) Epoch(ctx context.Context, epoch int) (float64, error) {
	rng := rand.New(rand.NewPCG(t.cfg.Seed, uint64(epoch)+1<<32))
	t.obj.StartEpoch(epoch)
	for i := range t.order {
		t.order[i] = i
	}
	if o, ok := t.obj.(Ordered); !ok || !o.InOrder() {
		rng.Shuffle(len(t.order), func(i, j int) { t.order[i], t.order[j] = t.order[j], t.order[i] })
	}
	if s, ok := t.obj.(Shardable); ok && t.group != nil && t.group.comm.Rank() > 0 {
		s.SeedRank(t.group.comm.Rank(), epoch)
	}
	if s := t.cfg.MomentumSchedule; s != nil {
		t.opt.(*SGD).Momentum = s.Momentum(epoch, t.cfg.Epochs)
	}
	b := t.cfg.Batch
	batches := t.batches
	eta := t.eta(epoch)
	var total float64
	for k := 0; k < batches; k++ {
		cost, err := t.epochStep(ctx, k, t.order[k*b:(k+1)*b], eta)
		if err != nil {
			return total / float64(max(k, 1)), err
		}
		if math.IsNaN(cost) || math.IsInf(cost, 0) {
			return cost, &DivergedError{Epoch: epoch, Batch: k, Eta: eta, Cost: cost}
		}
		total += cost
		if t.cfg.OnBatch != nil {
			t.cfg.OnBatch(BatchInfo{Epoch: epoch, Batch: k, Batches: batches, Cost: cost})
		}
	}
	return total / float64(batches), nil
}

// epochStep is Step of an epoch's k-th mini-batch idx, which stops with
// ctx's error when ctx is done (checked every 64 mini-batches), or, with
// a Comm, when any process's context is done (checked every step, since
// the processes must stop together).
func (t *Trainer) epochStep(ctx context.Context, k int, idx []int, eta float64) (float64, error) {
	if t.group == nil {
		if k%64 == 0 && ctx.Err() != nil {
			return 0, ctx.Err()
		}
		return t.Step(idx, eta), nil
	}
	cost, stop, err := t.group.step(t, idx, eta, ctx.Err() != nil)
	switch {
	case err != nil:
		return 0, err
	case stop && ctx.Err() != nil:
		return 0, ctx.Err()
	case stop:
		return 0, errStoppedElsewhere
	}
	return cost, nil
}

// Step trains on the examples idx (one mini-batch) with learning rate eta
// and returns the mini-batch's cost (without the L2 term). Without
// clipping each layer's parameters are updated inside the backward pass,
// as soon as their gradients are final; with Config.ClipNorm the norm
// needs every gradient first, so the backward pass runs whole, then the
// gradients are clipped and every parameter updated. With a Comm of
// several processes, every process calls Step with the same idx and
// trains on its shard of it, and the mini-batch's summed gradients update
// every parameter after the backward pass; Step panics if the Comm fails
// (Epoch returns the error).
func (t *Trainer) Step(idx []int, eta float64) float64 {
	if t.group != nil {
		cost, _, err := t.group.step(t, idx, eta, false)
		if err != nil {
			panic(err)
		}
		return cost
	}
	t.stepEta = eta
	if t.cfg.ClipNorm == 0 {
		return t.obj.Step(idx, t.update)
	}
	cost := t.obj.Step(idx, nil)
	ClipGradNorm(t.trained, t.cfg.ClipNorm)
	t.step(t.trained, eta)
	return cost
}

// ErrDiverged matches (errors.Is) every *DivergedError.
var ErrDiverged = errors.New("training diverged")

// DivergedError reports a training cost that stopped being a finite
// number: too large a learning rate, most often.
type DivergedError struct {
	// Epoch and Batch (from 0) are where it happened, Eta the learning
	// rate of that epoch and Cost the mini-batch's cost.
	Epoch, Batch int
	Eta, Cost    float64
}

func (e *DivergedError) Error() string {
	return fmt.Sprintf("training diverged: the cost became %v in epoch %d, mini-batch %d, at learning rate η %g",
		e.Cost, e.Epoch+1, e.Batch, e.Eta)
}

// Is reports whether target is ErrDiverged.
func (e *DivergedError) Is(target error) bool { return target == ErrDiverged }

// MemoryNeeded returns the bytes a run of cfg takes for a network planned as
// plans and built for maxBatch examples, before anything is allocated: the
// network's own (nn.MemoryOf), the copies of its parameters the run keeps
// (the optimiser's state: momentum's velocity, Adam's two moments,
// RMSprop's mean square; the averaged weights; the best epoch's weights),
// and the mini-batch's and the evaluation's inputs.
func MemoryNeeded(plans []nn.LayerPlan, maxBatch int, cfg Config) int64 {
	total := nn.MemoryOf(plans, maxBatch).Total()
	var params int64
	for _, l := range plans {
		for _, p := range l.Params {
			params = min(params+p.Len(), 1<<60)
		}
	}
	copies := int64(0)
	switch spec, _ := ParseOptimizer(cfg.Optimizer); spec.Name {
	case OptimizerAdam:
		copies += 2 // the two moments
	case OptimizerRMSprop:
		copies++
	case OptimizerSGD:
		if cfg.hasMomentum() {
			copies++
		}
	}
	if cfg.Average > 0 {
		copies++
	}
	if cfg.KeepBest {
		copies++
	}
	total = min(total+4*copies*params, 1<<62)
	if len(plans) > 0 {
		in := int64(plans[0].In.Size())
		total = min(total+4*in*int64(max(cfg.Batch, 0)+max(maxBatch, 0)), 1<<62)
	}
	return total
}
