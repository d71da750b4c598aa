package train

import (
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/deepnet-go/deepnet/data"
	"github.com/deepnet-go/deepnet/data/augment"
	"github.com/deepnet-go/deepnet/model"
	"github.com/deepnet-go/deepnet/nn"
)

// Classification is the Objective of a network that ends in a classifier
// (nn.Classifier, such as softmax:K) trained on labelled images: the cost
// is the mean cross-entropy against the labels (network3's
// log-likelihood), label-smoothed or mixed with a teacher's probabilities
// as Config says, on images distorted afresh each epoch (Config.Augment);
// the score is the accuracy, through test-time views for candidates
// (Config.Views).
type Classification struct {
	net    *nn.Network
	d      *data.Splits
	cfg    Config
	x      []float32
	labels []int
	// targets [Batch][K] are a step's target distributions when training
	// towards a teacher (Config.TeacherWeight > 0).
	targets []float32
	aug     *augment.Augmenter // nil without augmentation
	augRNG  *rand.Rand
	augSrc  *rand.PCG
	plain   *Evaluator
	viewed  *Evaluator // nil without views
}

// NewClassification prepares training net on d.Train with the
// classification settings of cfg (Batch, Seed, LabelSmoothing, Teacher,
// TeacherWeight, Augment, Views), measured on d.Validation and d.Test. The
// error says what does not fit.
func NewClassification(net *nn.Network, d *data.Splits, cfg Config) (*Classification, error) {
	if err := net.CheckClassifier(); err != nil {
		return nil, err
	}
	k := net.Classes()
	switch {
	case cfg.Batch < 1 || cfg.Batch > net.MaxBatch:
		return nil, fmt.Errorf("train: mini-batch %d outside 1..%d (the network's MaxBatch)", cfg.Batch, net.MaxBatch)
	case d.Train.N < cfg.Batch:
		return nil, fmt.Errorf("train: %d training examples, fewer than one mini-batch of %d", d.Train.N, cfg.Batch)
	case !(cfg.LabelSmoothing >= 0 && cfg.LabelSmoothing < 1):
		return nil, fmt.Errorf("train: label smoothing %v outside [0, 1)", cfg.LabelSmoothing)
	}
	if err := checkSets(net, d); err != nil {
		return nil, err
	}
	if err := cfg.Augment.Validate(); err != nil {
		return nil, err
	}
	for _, v := range cfg.Views {
		if err := v.Validate(); err != nil {
			return nil, err
		}
	}
	if err := checkTeacher(cfg, d.Train.N, k); err != nil {
		return nil, err
	}
	c := &Classification{net: net, d: d, cfg: cfg,
		x: make([]float32, cfg.Batch*net.In.Size()), labels: make([]int, cfg.Batch), plain: NewEvaluator(net)}
	if !augment.Plain(cfg.Views) {
		c.viewed = NewEvaluator(net, cfg.Views...)
	}
	if cfg.TeacherWeight > 0 {
		c.targets = make([]float32, cfg.Batch*k)
	}
	if cfg.Augment.Enabled() {
		c.aug = augment.New(cfg.Augment, d.Train.Rows, d.Train.Cols)
		c.augSrc = rand.NewPCG(0, 0)
		c.augRNG = rand.New(c.augSrc)
	}
	return c, nil
}

// checkSets reports an error unless every set of d holds images of the
// size net takes and labels of its classes (a *data.LabelError).
func checkSets(net *nn.Network, d *data.Splits) error {
	for _, s := range []*data.Set{d.Train, d.Validation, d.Test} {
		if s == nil || s.N == 0 {
			continue
		}
		if err := net.CheckImages(s.Rows, s.Cols); err != nil {
			return err
		}
		if err := s.CheckLabels(net.Classes()); err != nil {
			return err
		}
	}
	return nil
}

// Network returns the network being trained.
func (c *Classification) Network() *nn.Network { return c.net }

// Params returns the network's parameters.
func (c *Classification) Params() []*nn.Param { return c.net.Params() }

// Examples returns the number of training images.
func (c *Classification) Examples() int { return c.d.Train.N }

// MaxBatch returns Config.Batch.
func (c *Classification) MaxBatch() int { return c.cfg.Batch }

// StartEpoch draws the epoch's distortions from (Seed, epoch), so that an
// epoch can be re-run.
func (c *Classification) StartEpoch(epoch int) {
	if c.aug != nil {
		c.augSrc.Seed(c.cfg.Seed, uint64(epoch)+2<<32)
	}
}

// Step trains on the training images idx.
func (c *Classification) Step(idx []int, update func([]*nn.Param)) float64 {
	n, set := len(idx), c.d.Train
	if c.aug != nil {
		c.aug.Batch(c.x, set, idx, c.augRNG)
	} else {
		set.Batch(c.x, idx)
	}
	for i, j := range idx {
		c.labels[i] = int(set.Labels[j])
	}
	c.net.Forward(c.x, n, true)
	if c.targets == nil {
		return c.net.BackwardLabels(c.labels[:n], c.cfg.LabelSmoothing, update)
	}
	c.mixTargets(idx)
	return c.net.BackwardTargets(c.targets[:n*c.net.Classes()], update)
}

// Measure returns the validation and test accuracies, through the views
// for candidates.
func (c *Classification) Measure(candidate bool) Score {
	ev, views := c.plain, 0
	if candidate && c.viewed != nil {
		ev, views = c.viewed, len(c.cfg.Views)
	}
	return Score{Validation: ev.Accuracy(c.d.Validation), Test: ev.Accuracy(c.d.Test), Views: views}
}

// Recalibrate recomputes batch normalisation's running statistics for the
// current weights: the plain mean over the training images, in order and
// without augmentation, of every full mini-batch's statistics. Dropout is
// active, as in training, so the statistics are those the weights were
// trained with.
func (c *Classification) Recalibrate() {
	if !c.net.ResetRunningStats(true) {
		return
	}
	b, set := c.cfg.Batch, c.d.Train
	idx := make([]int, b)
	for k := 0; k+b <= set.N; k += b {
		for i := range idx {
			idx[i] = k + i
		}
		set.Batch(c.x, idx)
		c.net.Forward(c.x, b, true)
	}
	c.net.ResetRunningStats(false)
}

// Encode returns the network's model file with its layers' states.
func (c *Classification) Encode(info model.Info) (*model.File, error) {
	return EncodeNetwork(c.net, info)
}

// mixTargets writes the targets of the examples idx: (1-α)·((1-ε)·onehot +
// ε/K) + α·Teacher[example], for label smoothing ε and teacher weight α.
func (c *Classification) mixTargets(idx []int) {
	k := c.net.Classes()
	a, eps := float32(c.cfg.TeacherWeight), float32(c.cfg.LabelSmoothing)
	for i, j := range idx {
		row, soft := c.targets[i*k:(i+1)*k], c.cfg.Teacher[j*k:(j+1)*k]
		for cl := range row {
			row[cl] = (1-a)*eps/float32(k) + a*soft[cl]
		}
		row[c.labels[i]] += (1 - a) * (1 - eps)
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
