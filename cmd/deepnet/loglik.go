package main

import (
	"context"
	"fmt"
	"io"
	"time"

	"github.com/deepnet-go/deepnet/data"
	"github.com/deepnet-go/deepnet/model"
	"github.com/deepnet-go/deepnet/rbm"
)

func runLoglik(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("loglik")
	dataDir, seed, mach := dataFlag(fs), seedFlag(fs), machineFlags(fs)
	modelPath := fs.String("model", "", "the RBM's model file (deepnet rbm --out), or a checkpoint of deepnet rbm (DIR/checkpoint.safetensors: the weights of its last epoch)")
	betas := fs.Int("betas", 14500, "intermediate distributions of each annealing run (Salakhutdinov and Murray's 14,500), 10 to 1000000")
	runs := fs.Int("runs", 100, "annealing runs (the paper's 100), 2 to 100000")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: deepnet loglik --model RBM [--betas K] [--runs M] [--seed S] [--data DIR]\n\n"+
			"Estimates the log partition function of an RBM (deepnet rbm --out) by annealed importance\n"+
			"sampling from the base-rate model of the training images (Salakhutdinov and Murray 2008),\n"+
			"with its ±3σ band, and prints the mean log-likelihood in nats of MNIST's test and training\n"+
			"images binarised with the seed (stochastically, once), with the band it gives. An RBM of at\n"+
			"most 20 hidden units also gets its exact log Z.")
		fs.PrintDefaults()
	}
	if err := parseFlags(fs, args, stderr); err != nil {
		return err
	}
	if err := checkRanges(fs, []rangeCheck{
		{"betas", *betas >= 10 && *betas <= 1000000, "10 to 1000000 intermediate distributions"},
		{"runs", *runs >= 2 && *runs <= 100000, "2 to 100000 runs"},
	}); err != nil {
		return err
	}
	if err := mach.apply(); err != nil {
		return err
	}
	if *modelPath == "" {
		return fmt.Errorf("--model FILE is required")
	}
	r, d, err := loadRBMAndData(*modelPath, *dataDir, stderr)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "model    %s: %s\n", *modelPath, r.Config)
	start := time.Now()
	res, err := rbm.AIS(r, rbm.BaseRate(rbm.Images{Set: d.Train}), rbm.AISConfig{Betas: *betas, Runs: *runs, Seed: *seed})
	if err != nil {
		return err
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "log Z    %.2f by AIS (%d runs of %d intermediate distributions, seed %d; ±3σ: %s; the base-rate model's %.2f)  (%s)\n",
		res.LogZ, *runs, *betas, *seed, band(res.Low, res.High), res.LogZBase, time.Since(start).Round(time.Second))
	printLogLikelihoods(stdout, r, res, d, *seed)
	return nil
}

// printLogLikelihoods prints the exact log Z of a small RBM, and the mean
// log-likelihood of the test and training images binarised with seed,
// with the band res's gives.
func printLogLikelihoods(w io.Writer, r *rbm.RBM, res *rbm.AISResult, d *data.Splits, seed uint64) {
	if r.Hidden <= rbm.MaxExactHidden {
		exact, _ := rbm.ExactLogZ(r)
		fmt.Fprintf(w, "exact    %.2f (summed over the 2^%d hidden states)\n", exact, r.Hidden)
	}
	for _, s := range []struct {
		name string
		data rbm.Data
	}{{"test", rbm.Images{Set: d.Test}}, {"train", rbm.Images{Set: d.Train}}} {
		mean, low, high := res.LogLikelihood(r, rbm.Binarize(s.data, seed))
		fmt.Fprintf(w, "%-8s %.2f nats, the mean log-likelihood of the %d %s images binarised with seed %d (±3σ: %s)\n",
			s.name, mean, s.data.Len(), s.name, seed, band(low, high))
	}
}

// band writes an interval, its low end possibly −Inf.
func band(low, high float64) string {
	return fmt.Sprintf("[%.2f, %.2f]", low, high)
}

// loadRBMAndData loads the RBM of path (a model file or a checkpoint) and
// MNIST, and checks that it reads the images as binary pixels.
func loadRBMAndData(path, dataDir string, log io.Writer) (*rbm.RBM, *data.Splits, error) {
	r, err := loadRBMOrCheckpoint(path)
	if err != nil {
		return nil, nil, err
	}
	if r.Gaussian || r.Labels > 0 {
		return nil, nil, fmt.Errorf("%s: an RBM of %s: loglik measures RBMs of binary pixels, without labels", path, r.Config)
	}
	d, err := loadMNIST(dataDir, log)
	if err != nil {
		return nil, nil, err
	}
	if r.Visible != d.Train.Pixels() {
		return nil, nil, fmt.Errorf("%s: an RBM of %d visible units, and the images have %d pixels", path, r.Visible, d.Train.Pixels())
	}
	return r, d, nil
}

// loadRBMOrCheckpoint loads the RBM of a model file, or of a checkpoint
// deepnet rbm wrote (its last epoch's weights).
func loadRBMOrCheckpoint(path string) (*rbm.RBM, error) {
	f, err := model.ReadFile(path)
	if err != nil {
		return nil, err
	}
	if _, ok := f.Metadata["checkpoint.next_epoch"]; ok && model.KindOf(f) == rbm.KindRBM {
		r, _, _, err := rbm.ReadCheckpoint(path)
		return r, err
	}
	r, _, err := rbm.Load(path)
	return r, err
}
