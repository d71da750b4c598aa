package train

import (
	"context"
	"fmt"
	"time"

	"github.com/deepnet-go/deepnet/data"
	"github.com/deepnet-go/deepnet/data/augment"
	"github.com/deepnet-go/deepnet/model"
	"github.com/deepnet-go/deepnet/nn"
)

// Config holds the settings of a training run: the loop's, which every
// Objective shares, and the classification settings that Run and
// NewClassification read (an objective of Fit's own ignores them).
type Config struct {
	Epochs int
	// Batch is the mini-batch size (at most the objective's MaxBatch; for
	// classification the network's MaxBatch).
	Batch       int
	Eta, Lambda float64
	// Optimizer selects the update (ParseOptimizer): "sgd" (or ""),
	// network3's SGD, with Momentum and Nesterov; "adam" or
	// "adam:BETA1:BETA2:EPS"; "rmsprop" or "rmsprop:ALPHA:EPS". Each adds
	// network3's λ/B·w to the gradient of the weights.
	Optimizer string
	// Momentum and Nesterov are SGD's (0 and false with another
	// optimiser).
	Momentum float64
	Nesterov bool
	// MomentumSchedule, when set, gives SGD's momentum for each epoch in
	// place of Momentum (which must then be 0): Hinton's recipe for
	// restricted Boltzmann machines is MomentumSwitch{0.5, 5, 0.9}. The
	// velocity carries over from one epoch to the next whatever the
	// momentum.
	MomentumSchedule MomentumSchedule
	// ClipNorm, when positive, scales each mini-batch's gradients so that
	// their L2 norm, taken over all trained parameters together, is at
	// most ClipNorm (ClipGradNorm), before the L2 term and the update (0:
	// no clipping).
	ClipNorm float64
	// Schedule scales Eta per epoch (constant when nil).
	Schedule Schedule
	// Rates, when set, gives parameters a learning rate of their own:
	// Rates[p]·η (η as the schedule makes it) for each parameter p it
	// holds, η for the others; fine-tuning trains pre-trained layers more
	// gently than new ones. Each factor must be positive and finite; a
	// layer that is not to train at all is frozen instead
	// (nn.Network.SetFrozen: parameters marked nn.Param.Frozen are never
	// updated, whatever their rate).
	Rates map[*nn.Param]float64
	// Seed fixes the order of the examples in every epoch and the
	// objective's own randomness (distortions).
	Seed uint64
	// Patience stops training after this many epochs without a strictly
	// better validation score (0: never stop early).
	Patience int
	// KeepBest leaves the parameters of the epoch of best validation
	// score (the one whose test score Fit reports).
	KeepBest bool
	// SelectLast, when positive, makes only the last SelectLast epochs
	// and the averaged weights candidates for the best epoch (KeepBest and
	// Result's test score); 0 makes every epoch one, as network3. Late in
	// an annealed run the epochs differ on validation by noise, and the
	// maximum over all of them is often an early epoch that was lucky on
	// validation. It cannot be combined with Patience, which stops at a
	// time no window can know.
	SelectLast int
	// Final trains a final model, with no validation set to select by:
	// every record is measured on the test set alone (Epoch.NoValidation)
	// and the last one is the result (Result.BestEpoch, TestAtBest): the
	// averaged weights with Average, else the last epoch's, which the
	// parameters end as (KeepBest does nothing). It cannot be combined
	// with Patience or SelectLast, which select on validation.
	Final bool
	// Average, when positive, also evaluates the mean of the weights at
	// the ends of the last Average epochs (stochastic weight averaging; see
	// average.go) as one more candidate after the last epoch.
	Average int
	// Checkpoint, when set, is a file that receives the run's state
	// (WriteCheckpoint) after every epoch; Info goes into it.
	Checkpoint string
	Info       model.Info
	// Resume, when set, continues the run ReadCheckpoint read, into the
	// network ReadCheckpoint returned.
	Resume *SavedState
	// OnBatch, when set, is called after every mini-batch.
	OnBatch func(BatchInfo)
	// OnEpoch, when set, is called after every epoch's evaluation.
	OnEpoch func(Epoch)
	// Comm, when set with more than one process, trains data-parallel:
	// each process of the group trains on its shard of every mini-batch
	// (Shard), the gradients are summed over the group and every process
	// takes the same step (see comm.go). Every process measures the
	// parameters, and rank 0's scores are everyone's; only rank 0 writes
	// the Checkpoint. Nil (or one process) leaves the loop as it is.
	Comm Comm

	// Classification settings (NewClassification).

	// LabelSmoothing ε trains on the cross-entropy against the targets
	// (1-ε)·onehot(label) + ε/K instead of the label's log-likelihood
	// (0: network3's cost).
	LabelSmoothing float64
	// Teacher, when TeacherWeight > 0, holds a probability distribution
	// over the K classes for each training example ([N][K], e.g. the mean
	// probabilities of trained networks: distillation). A step trains on
	// the cross-entropy against (1-TeacherWeight)·(the label's target, as
	// above) + TeacherWeight·Teacher[example], whatever distortion the
	// example gets.
	Teacher       []float32
	TeacherWeight float64
	// Augment distorts every training image afresh each time it is used
	// (random shifts, rotations, elastic distortions), drawn from the seed.
	Augment augment.Config
	// Views, when set, is test-time augmentation: the evaluation of every
	// candidate for the best epoch (all epochs, or the SelectLast window
	// and the averaged weights) shows the network each validation and test
	// image through these views and takes the class of largest mean
	// probability (see Evaluator); the other epochs, which cannot be
	// selected, are measured on the images as they are, at a fraction of
	// the cost (Epoch.Views tells which). It changes what is measured and
	// so which epoch is selected, not the training.
	Views []augment.View
}

// BatchInfo describes one finished mini-batch, for progress reports.
type BatchInfo struct {
	Epoch, Batch, Batches int
	Cost                  float64
}

// Epoch is one epoch's record, as written to a metrics file (see
// epochJSON). Validation and Test are the objective's scores, in its
// Metric (accuracies, for classification).
type Epoch struct {
	Epoch            int
	Validation, Test float64
	// Metric names the scores when they are not accuracies ("" when they
	// are), NoTest says there is no test score and NoValidation that there
	// is no validation score (Config.Final).
	Metric       string
	NoTest       bool
	NoValidation bool
	// Cost is the mean training cost of the epoch, Eta its learning rate
	// and Seconds its time, evaluation included.
	Cost, Eta, Seconds float64
	// Averaged marks the record of the averaged weights (Config.Average),
	// numbered one past the last epoch trained; its Cost and Eta are zero.
	Averaged bool
	// AveragedEpochs is how many epochs' weights an averaged record's are
	// the mean of: the last ones before it, fewer than Config.Average when
	// early stopping ended the run inside the averaging window.
	AveragedEpochs int
	// Views is the number of views each image was seen through
	// (Config.Views), 0 for the images as they are.
	Views int
}

// Name names the record for people: "epoch 7" (numbered from 1), or for
// averaged weights "the mean of epochs 51-60".
func (e Epoch) Name() string {
	if !e.Averaged {
		return fmt.Sprintf("epoch %d", e.Epoch+1)
	}
	switch {
	case e.AveragedEpochs <= 0:
		return "the averaged weights"
	case e.AveragedEpochs == 1: // its weights with batch norm recalibrated
		return fmt.Sprintf("the averaged weights of epoch %d", e.Epoch)
	}
	return fmt.Sprintf("the mean of epochs %d-%d", e.Epoch-e.AveragedEpochs+1, e.Epoch)
}

// Result is a finished run: every epoch, and the test score at the epoch
// of best validation score (ties go to the later epoch), as network3
// reports it; "best" in the objective's Metric.
type Result struct {
	Epochs         []Epoch
	BestEpoch      int
	BestValidation float64
	TestAtBest     float64
}

// Best returns the record of the best epoch (ok false when there is none).
func (r *Result) Best() (e Epoch, ok bool) {
	for _, e := range r.Epochs {
		if e.Epoch == r.BestEpoch {
			return e, true
		}
	}
	return Epoch{}, false
}

// Run trains net, which ends in a classifier, on d.Train with the
// optimiser of cfg, evaluating its accuracy on d.Validation and d.Test
// after each epoch: Fit with the objective NewClassification makes of net,
// d and cfg.
func Run(ctx context.Context, net *nn.Network, d *data.Splits, cfg Config) (*Result, error) {
	obj, err := NewClassification(net, d, cfg)
	if err != nil {
		return nil, err
	}
	return Fit(ctx, obj, cfg)
}

// Fit trains obj with the optimiser of cfg (SGD by default), scoring it
// after each epoch. It stops early when ctx is cancelled (returning what
// it has and ctx's error), when the cost becomes NaN or infinite (a
// *DivergedError) or when the validation score has not improved for
// cfg.Patience epochs. With cfg.KeepBest, the
// parameters end as those of the best epoch (or the averaged ones, when
// they are the best); else (and with cfg.Final) with cfg.Average as the
// averaged ones, else as the last epoch's.
func Fit(ctx context.Context, obj Objective, cfg Config) (*Result, error) {
	t, err := NewTrainer(obj, cfg)
	if err != nil {
		return nil, err
	}
	params, metric := obj.Params(), metricOf(obj)
	ck := &Checkpoint{Result: Result{BestEpoch: -1}, average: newAverager(params, cfg)}
	if cfg.Resume != nil {
		if err := cfg.Resume.restore(ck, params, t.opt, cfg); err != nil {
			return nil, err
		}
		if r, ok := obj.(Restorer); ok {
			if err := r.Restore(cfg.Resume.file); err != nil {
				return nil, fmt.Errorf("train: resuming: %w", err)
			}
		}
	}
	res := &ck.Result
	// record scores rec's parameters, times it from start, makes it the
	// best if it is, and saves and reports the run's state.
	record := func(rec Epoch, start time.Time) error {
		candidate := cfg.candidate(rec)
		score := obj.Measure(candidate)
		if t.group != nil {
			agreed, err := t.group.agree(score)
			if err != nil {
				return err
			}
			score = agreed
		}
		rec.Validation, rec.Test, rec.Views = score.Validation, score.Test, score.Views
		if metric != accuracy {
			rec.Metric, rec.NoTest = metric.Name, metric.NoTest
		}
		if cfg.Final {
			rec.Validation, rec.NoValidation = 0, true
		}
		rec.Seconds = time.Since(start).Seconds()
		res.Epochs = append(res.Epochs, rec)
		switch {
		case cfg.Final: // the last record is the result
			res.BestEpoch, res.BestValidation, res.TestAtBest = rec.Epoch, 0, rec.Test
		case candidate:
			ck.consider(rec, params, cfg.KeepBest, metric)
		}
		if cfg.Checkpoint != "" && (t.group == nil || t.group.comm.Rank() == 0) {
			if err := WriteCheckpoint(cfg.Checkpoint, obj, t.opt, ck, cfg.Info); err != nil {
				return fmt.Errorf("checkpoint: %w", err)
			}
		}
		if cfg.OnEpoch != nil {
			cfg.OnEpoch(rec)
		}
		return nil
	}
	avg := ck.average
	for e := ck.Next; e < cfg.Epochs; e++ {
		if last := lastImprovement(res.Epochs, metric); cfg.Patience > 0 && last >= 0 && e-1-last >= cfg.Patience {
			break
		}
		start := time.Now()
		cost, err := t.Epoch(ctx, e)
		if err != nil {
			return res, err
		}
		avg.add(e, params)
		ck.Next = e + 1
		if err := record(Epoch{Epoch: e, Cost: cost, Eta: t.eta(e)}, start); err != nil {
			return res, err
		}
	}
	if avg.pending(res) {
		start := time.Now()
		avg.swapIn(params)
		obj.Recalibrate()
		if err := record(Epoch{Epoch: ck.Next, Averaged: true, AveragedEpochs: avg.count}, start); err != nil {
			return res, err
		}
	}
	if cfg.KeepBest && !cfg.Final && ck.Best != nil {
		for i, p := range params {
			copy(p.Value.Data, ck.Best[i])
		}
	}
	return res, nil
}

// consider makes rec the best record if its validation score is at least
// as good as the best so far in m (ties go to the later), keeping a copy
// of params when keep is set.
func (ck *Checkpoint) consider(rec Epoch, params []*nn.Param, keep bool, m Metric) {
	res := &ck.Result
	if res.BestEpoch >= 0 && !m.atLeast(rec.Validation, res.BestValidation) {
		return
	}
	res.BestEpoch, res.BestValidation, res.TestAtBest = rec.Epoch, rec.Validation, rec.Test
	if !keep {
		return
	}
	if ck.Best == nil {
		ck.Best = make([][]float32, len(params))
	}
	for i, p := range params {
		ck.Best[i] = append(ck.Best[i][:0], p.Value.Data...)
	}
}
