package train

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/deepnet-go/deepnet/data"
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
	aug    *data.Augmenter // nil without augmentation
	augRNG *rand.Rand
	augSrc *rand.PCG
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
	net.LabelSmoothing = cfg.LabelSmoothing
	batches := set.N / cfg.Batch
	t := &Trainer{net: net, set: set, cfg: cfg,
		opt:    NewSGD(net.Params(), cfg.Eta, cfg.Lambda, batches, cfg.Momentum, cfg.Nesterov),
		order:  make([]int, set.N),
		x:      make([]float32, cfg.Batch*net.In.Size()),
		labels: make([]int, cfg.Batch),
	}
	t.update = func(ps []*nn.Param) { t.opt.Step(ps, t.stepEta) }
	if cfg.Augment.Enabled() {
		t.aug = data.NewAugmenter(cfg.Augment, set.Rows, set.Cols)
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
	return t.net.BackwardUpdate(t.labels[:n], t.update)
}
