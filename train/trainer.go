package train

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/deepnet-go/deepnet/data"
	"github.com/deepnet-go/deepnet/data/augment"
	"github.com/deepnet-go/deepnet/nn"
)

// Trainer runs the epochs of one training run; it owns every buffer a step
// needs, so a step does not allocate.
type Trainer struct {
	net    *nn.Network
	set    *data.Set
	cfg    Config
	opt    *SGD
	order  []int
	x      []float32
	labels []int
	// targets [Batch][K] are a step's target distributions when training
	// towards a teacher (Config.TeacherWeight > 0).
	targets []float32
	aug     *augment.Augmenter // nil without augmentation
	augRNG  *rand.Rand
	augSrc  *rand.PCG
	// update applies the optimiser to one layer's parameters with the
	// step's rate, stepEta, inside Backward (nn.Network.BackwardUpdate).
	update  func([]*nn.Param)
	stepEta float64
}

// NewTrainer prepares training net on set and sets the network's label
// smoothing to cfg's. The error says what does not fit.
func NewTrainer(net *nn.Network, set *data.Set, cfg Config) (*Trainer, error) {
	if cfg.Batch < 1 || cfg.Batch > net.MaxBatch {
		return nil, fmt.Errorf("train: mini-batch %d outside 1..%d (the network's MaxBatch)", cfg.Batch, net.MaxBatch)
	}
	if set.N < cfg.Batch {
		return nil, fmt.Errorf("train: %d training examples, fewer than one mini-batch of %d", set.N, cfg.Batch)
	}
	if set.Rows*set.Cols != net.In.Size() {
		return nil, fmt.Errorf("train: examples of %d×%d pixels, network input %s", set.Rows, set.Cols, net.In)
	}
	if err := cfg.Augment.Validate(); err != nil {
		return nil, err
	}
	if !(cfg.Eta > 0) || cfg.Lambda < 0 || math.IsInf(cfg.Eta, 0) {
		return nil, fmt.Errorf("train: learning rate %v must be positive and λ %v not negative", cfg.Eta, cfg.Lambda)
	}
	if !(cfg.LabelSmoothing >= 0 && cfg.LabelSmoothing < 1) {
		return nil, fmt.Errorf("train: label smoothing %v outside [0, 1)", cfg.LabelSmoothing)
	}
	if cfg.SelectLast < 0 || cfg.SelectLast > cfg.Epochs || (cfg.SelectLast > 0 && cfg.Patience > 0) {
		return nil, fmt.Errorf("train: selecting among the last %d epochs: want 0..%d epochs and no early stopping (patience %d)", cfg.SelectLast, cfg.Epochs, cfg.Patience)
	}
	net.LabelSmoothing = cfg.LabelSmoothing
	if err := checkTeacher(cfg, set.N, net.Classes()); err != nil {
		return nil, err
	}
	batches := set.N / cfg.Batch
	t := &Trainer{net: net, set: set, cfg: cfg,
		opt:    NewSGD(net.Params(), cfg.Eta, cfg.Lambda, batches, cfg.Momentum, cfg.Nesterov),
		order:  make([]int, set.N),
		x:      make([]float32, cfg.Batch*net.In.Size()),
		labels: make([]int, cfg.Batch),
	}
	if cfg.TeacherWeight > 0 {
		t.targets = make([]float32, cfg.Batch*net.Classes())
	}
	t.update = func(ps []*nn.Param) { t.opt.Step(ps, t.stepEta) }
	if cfg.Augment.Enabled() {
		t.aug = augment.New(cfg.Augment, set.Rows, set.Cols)
		t.augSrc = rand.NewPCG(0, 0)
		t.augRNG = rand.New(t.augSrc)
	}
	return t, nil
}

// Optimizer returns the trainer's SGD, whose state a checkpoint saves.
func (t *Trainer) Optimizer() *SGD { return t.opt }

func (t *Trainer) eta(epoch int) float64 {
	if t.cfg.Schedule == nil {
		return t.cfg.Eta
	}
	return t.cfg.Eta * t.cfg.Schedule.Factor(epoch, t.cfg.Epochs)
}

// Epoch trains one epoch: the examples in an order drawn from (Seed, epoch),
// in mini-batches (a last partial batch is dropped, as network3). It returns
// the mean training cost of the epoch.
func (t *Trainer) Epoch(ctx context.Context, epoch int) (float64, error) {
	rng := rand.New(rand.NewPCG(t.cfg.Seed, uint64(epoch)+1<<32))
	if t.aug != nil { // distortions drawn from (seed, epoch) too: an epoch can be re-run
		t.augSrc.Seed(t.cfg.Seed, uint64(epoch)+2<<32)
	}
	for i := range t.order {
		t.order[i] = i
	}
	rng.Shuffle(len(t.order), func(i, j int) { t.order[i], t.order[j] = t.order[j], t.order[i] })
	b := t.cfg.Batch
	batches := t.opt.Batches
	eta := t.eta(epoch)
	var total float64
	for k := 0; k < batches; k++ {
		if k%64 == 0 && ctx.Err() != nil {
			return total / float64(max(k, 1)), ctx.Err()
		}
		cost := t.Step(t.order[k*b:(k+1)*b], eta)
		if math.IsNaN(cost) || math.IsInf(cost, 0) {
			return cost, fmt.Errorf("%w: the cost became %v in epoch %d, mini-batch %d; try a smaller learning rate (--eta, now %g)",
				ErrDiverged, cost, epoch, k, eta)
		}
		total += cost
		if t.cfg.OnBatch != nil {
			t.cfg.OnBatch(BatchInfo{Epoch: epoch, Batch: k, Batches: batches, Cost: cost})
		}
	}
	return total / float64(batches), nil
}

// Step trains on the examples idx (one mini-batch) with learning rate eta
// and returns the mini-batch's cost (without the L2 term).
func (t *Trainer) Step(idx []int, eta float64) float64 {
	n := len(idx)
	if t.aug != nil {
		t.aug.Batch(t.x, t.set, idx, t.augRNG)
	} else {
		t.set.Batch(t.x, idx)
	}
	for i, j := range idx {
		t.labels[i] = int(t.set.Labels[j])
	}
	t.net.Forward(t.x, n, true)
	t.stepEta = eta
	if t.targets == nil {
		return t.net.BackwardUpdate(t.labels[:n], t.update)
	}
	t.mixTargets(idx)
	return t.net.BackwardUpdateSoft(t.targets[:n*t.net.Classes()], t.update)
}

// mixTargets writes the targets of the examples idx: (1-α)·((1-ε)·onehot +
// ε/K) + α·Teacher[example], for label smoothing ε and teacher weight α.
func (t *Trainer) mixTargets(idx []int) {
	k := t.net.Classes()
	a, eps := float32(t.cfg.TeacherWeight), float32(t.cfg.LabelSmoothing)
	for i, j := range idx {
		row, soft := t.targets[i*k:(i+1)*k], t.cfg.Teacher[j*k:(j+1)*k]
		for c := range row {
			row[c] = (1-a)*eps/float32(k) + a*soft[c]
		}
		row[t.labels[i]] += (1 - a) * (1 - eps)
	}
}

// checkTeacher checks Config.Teacher and TeacherWeight for n examples of k
// classes: a weight in [0, 1], and with a positive weight, n rows of k
// values that are probabilities summing to 1.
func checkTeacher(cfg Config, n, k int) error {
	a := cfg.TeacherWeight
	if !(a >= 0 && a <= 1) {
		return fmt.Errorf("train: teacher weight %v outside [0, 1]", a)
	}
	if a == 0 {
		return nil
	}
	if len(cfg.Teacher) != n*k {
		return fmt.Errorf("train: the teacher holds %d values, want %d (%d examples × %d classes)", len(cfg.Teacher), n*k, n, k)
	}
	for i := range n {
		var sum float64
		for c, v := range cfg.Teacher[i*k : (i+1)*k] {
			if !(v >= 0 && v <= 1) {
				return fmt.Errorf("train: the teacher's probability of class %d for example %d is %v", c, i, v)
			}
			sum += float64(v)
		}
		if math.Abs(sum-1) > 1e-3 {
			return fmt.Errorf("train: the teacher's probabilities for example %d sum to %v, not 1", i, sum)
		}
	}
	return nil
}
