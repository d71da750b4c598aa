package main

import (
	"flag"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"

	"github.com/deepnet-go/deepnet/data"
	"github.com/deepnet-go/deepnet/rbm"
	"github.com/deepnet-go/deepnet/train"
)

// cdFlags are the flags of training RBMs by contrastive divergence, which
// deepnet rbm (one RBM) and deepnet dbn (each RBM of the stack) share.
// Their defaults are Hinton's recipe (rbm.Recipe): 50 epochs of
// mini-batches of 100, η 0.1, weight cost 0.0002, momentum 0.5 for 5
// epochs then 0.9, CD-1 on the grey levels read as probabilities. There
// is no preset: a flag given replaces the default, whatever its value.
type cdFlags struct {
	fs               *flag.FlagSet
	epochs, batch, k int
	eta, weightCost  float64
	momentum         string
	pcd              bool
	binarize         string
	trainLimit       int
	dataDir          *string
	seedValue        *uint64
	machine          machine
	binarization     rbm.Binarization
	momentumSchedule train.MomentumSchedule
	constantMomentum float64
}

// maxGibbs is the most Gibbs steps --k takes.
const maxGibbs = 1000

func newCDFlags(name string) *cdFlags {
	f := &cdFlags{fs: newFlagSet(name)}
	fs := f.fs
	fs.IntVar(&f.epochs, "epochs", 50, "epochs to train each RBM, 1 or more")
	fs.IntVar(&f.batch, "batch", 100, "mini-batch size, 1 or more (with --pcd also the number of persistent chains)")
	fs.Float64Var(&f.eta, "eta", 0.1, "learning rate η > 0, of the weights and the biases")
	fs.Float64Var(&f.weightCost, "weight-cost", rbm.HintonWeightCost, "Hinton's weight cost ≥ 0: each step adds weight-cost·W to the weights' gradient, the biases spared (0: none)")
	fs.StringVar(&f.momentum, "momentum", "0.5:5:0.9", "SGD's momentum: μ in [0, 1) in every epoch (0: none), or INITIAL:EPOCHS:FINAL, INITIAL for the first EPOCHS epochs and FINAL after them (Hinton's 0.5:5:0.9)")
	fs.IntVar(&f.k, "k", 1, fmt.Sprintf("Gibbs sweeps of the negative phase, 1 to %d: CD-K, or PCD-K with --pcd", maxGibbs))
	fs.BoolVar(&f.pcd, "pcd", false, "persistent contrastive divergence (Tieleman 2008): the negative phase's Markov chains carry over from one mini-batch to the next")
	fs.StringVar(&f.binarize, "binarize", "probabilities", "how the training vectors are read: probabilities (the grey levels as they are, as Hinton's code), fixed (binary states drawn once from --seed: the binarised MNIST of Salakhutdinov and Murray 2008) or epoch (drawn afresh every epoch)")
	fs.IntVar(&f.trainLimit, "train-limit", 0, "train on the first N training images only (0: all)")
	f.seedValue = seedFlag(fs)
	f.dataDir = dataFlag(fs)
	f.machine = machineFlags(fs)
	return f
}

// check reports the first flag given a value that cannot be meant, reads
// --binarize and --momentum, and applies --workers and --max-memory.
func (f *cdFlags) check() error {
	finite := func(v float64) bool { return !math.IsNaN(v) && !math.IsInf(v, 0) }
	if err := checkRanges(f.fs, []rangeCheck{
		{"epochs", f.epochs >= 1, "1 or more epochs"},
		{"batch", f.batch >= 1 && f.batch <= 1<<16, "a mini-batch of 1 to 65536 vectors"},
		{"eta", f.eta > 0 && finite(f.eta), "a learning rate η > 0"},
		{"weight-cost", f.weightCost >= 0 && finite(f.weightCost), "a weight cost ≥ 0 (0: none)"},
		{"k", f.k >= 1 && f.k <= maxGibbs, fmt.Sprintf("1 to %d Gibbs sweeps", maxGibbs)},
		{"train-limit", f.trainLimit >= 0, "0 (all) or more images"},
	}); err != nil {
		return err
	}
	b, err := rbm.ParseBinarization(f.binarize)
	if err != nil {
		return fmt.Errorf("--binarize: %w", err)
	}
	f.binarization = b
	if err := f.parseMomentum(); err != nil {
		return err
	}
	return f.machine.apply()
}

// parseMomentum reads --momentum: a constant μ or a schedule.
func (f *cdFlags) parseMomentum() error {
	if strings.Contains(f.momentum, ":") {
		s, err := train.ParseMomentumSchedule(f.momentum)
		if err != nil {
			return fmt.Errorf("--momentum %q: want μ in [0, 1) or INITIAL:EPOCHS:FINAL with momenta in [0, 1), e.g. 0.5:5:0.9", f.momentum)
		}
		f.momentumSchedule = s
		return nil
	}
	mu, err := strconv.ParseFloat(f.momentum, 64)
	if err != nil || !(mu >= 0 && mu < 1) {
		return fmt.Errorf("--momentum %q: want μ in [0, 1) or INITIAL:EPOCHS:FINAL with momenta in [0, 1), e.g. 0.5:5:0.9", f.momentum)
	}
	f.constantMomentum = mu
	return nil
}

// config returns the loop's and CD's settings for training on examples
// vectors, with seed: Hinton's weight cost as train's λ (rbm.LambdaOf).
func (f *cdFlags) config(examples int, seed uint64) (train.Config, rbm.CDConfig) {
	tc := train.Config{Epochs: f.epochs, Batch: f.batch, Eta: f.eta,
		Lambda:   rbm.LambdaOf(f.weightCost, examples, f.batch),
		Momentum: f.constantMomentum, MomentumSchedule: f.momentumSchedule,
		Seed: seed, KeepBest: true}
	return tc, rbm.CDConfig{K: f.k, Persistent: f.pcd, Binarize: f.binarization}
}

// loadData loads MNIST and applies --train-limit.
func (f *cdFlags) loadData(log io.Writer) (*data.Splits, error) {
	d, err := loadMNIST(*f.dataDir, log)
	if err != nil {
		return nil, err
	}
	if f.trainLimit > 0 && f.trainLimit < d.Train.N {
		d.Train = d.Train.Subset(f.trainLimit)
	}
	if f.pcd && d.Train.N < f.batch {
		return nil, fmt.Errorf("--pcd: %d training images, fewer than the %d persistent chains (--batch)", d.Train.N, f.batch)
	}
	return d, nil
}

// describe says how the RBMs are trained, for a header.
func (f *cdFlags) describe(cd rbm.CDConfig) string {
	mom := fmt.Sprint(f.constantMomentum)
	if f.momentumSchedule != nil {
		mom = f.momentumSchedule.String()
	}
	return fmt.Sprintf("%s, %d epochs, mini-batch %d, η %g, weight cost %g, momentum %s, seed %d", cd, f.epochs, f.batch, f.eta, f.weightCost, mom, *f.seedValue)
}
