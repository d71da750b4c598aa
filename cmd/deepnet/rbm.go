package main

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"github.com/deepnet-go/deepnet/data"
	"github.com/deepnet-go/deepnet/model"
	"github.com/deepnet-go/deepnet/rbm"
	"github.com/deepnet-go/deepnet/train"
)

func runRBM(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	c, err := parseRBM(args, stderr)
	if err != nil {
		return err
	}
	if err := c.check(); err != nil {
		return err
	}
	if err := c.outs.check(); err != nil {
		return err
	}
	d, err := c.loadData(stderr)
	if err != nil {
		return err
	}
	r, err := c.newRBM(d.Train.Pixels())
	if err != nil {
		return err
	}
	tc, cd := c.config(d.Train.N, *c.seedValue)
	info := c.info(tc, cd, d)
	if err := c.useCheckpoint(&tc, info); err != nil {
		return err
	}
	o, err := newRBMRun(r, d, cd, tc, c.savedEpochs)
	if err != nil {
		return err
	}
	c.printHeader(stdout, r, cd, d)
	start := time.Now()
	res, err, outErr := c.fit(ctx, o, tc, stdout, stderr)
	if err != nil && !errors.Is(err, context.Canceled) || res == nil || res.BestEpoch < 0 {
		return err
	}
	best, _ := res.Best()
	fmt.Fprintf(stdout, "best validation pseudo-NLL %.2f nats at %s  (%s)\n", res.BestValidation, best.Name(), time.Since(start).Round(time.Second))
	if werr := c.write(stdout, o, res, r, info, err == nil); werr != nil {
		return werr
	}
	return cmp.Or(err, outErr)
}

// rbmCmd is one run of deepnet rbm: the CD flags, the RBM's size, the
// files it writes and, with --resume, the run it continues.
type rbmCmd struct {
	*cdFlags
	outs                                  outputs
	hidden                                int
	out, metrics, plot, checkpoint, resum *string
	samples                               *string
	samplesEvery, gibbs                   int
	args                                  []string
	resumeFrom                            string
	saved                                 *train.SavedState
	// savedEpochs is the checkpoint's record of rbmRun's epochs.
	savedEpochs string
}

func newRBMCmd() *rbmCmd {
	c := &rbmCmd{cdFlags: newCDFlags("rbm")}
	fs := c.fs
	fs.IntVar(&c.hidden, "hidden", 500, fmt.Sprintf("hidden units, 1 to %d", maxHiddenUnits))
	c.out = c.outs.file(fs, "out", "save the RBM (weights of the epoch of best validation pseudo-log-likelihood) to this model file")
	c.metrics = c.outs.stream(fs, "metrics", "write one JSON object per epoch to this file: the pseudo-log-likelihood, the mean free energy of training and validation images, the reconstruction error, the seconds")
	c.plot = c.outs.file(fs, "plot", "draw the validation pseudo-log-likelihood and the free energies per epoch into this PNG file")
	c.checkpoint = c.outs.dir(fs, "checkpoint", "save the run's state (weights, momentum, persistent chains) into this directory after every epoch")
	c.resum = fs.String("resume", "", "continue the run whose checkpoint directory this is (its flags are reused; flags given here override them)")
	c.samples = c.outs.dir(fs, "samples", "write samples-EEE.png (100 Gibbs chains' visible means) and filters-EEE.png (the first 100 hidden units' weights) into this directory every --samples-every epochs")
	fs.IntVar(&c.samplesEvery, "samples-every", 5, "with --samples: every this many epochs (and after the last), 1 or more")
	fs.IntVar(&c.gibbs, "gibbs", 1000, "with --samples: Gibbs sweeps from random states to a sample, 1 to 100000")
	fs.Usage = func() {
		fmt.Fprintln(fs.Output(), "usage: deepnet rbm [--hidden N] [--k K] [--pcd] [--binarize B] [--epochs N] [--out FILE] [flags]\n\n"+
			"Trains a restricted Boltzmann machine on MNIST's training images by contrastive divergence\n"+
			"(Hinton's recipe by default), scoring it after every epoch by the pseudo-log-likelihood of\n"+
			"the validation images. deepnet loglik measures its log-likelihood; deepnet generate draws it.")
		fs.PrintDefaults()
	}
	return c
}

// maxHiddenUnits is the most hidden units of an RBM the commands build.
const maxHiddenUnits = 100000

// parseRBM parses rbm's command line; with --resume DIR, the command line
// of the run it continues first (see parseTrain).
func parseRBM(args []string, stderr io.Writer) (*rbmCmd, error) {
	c := newRBMCmd()
	if err := parseFlags(c.fs, args, stderr); err != nil {
		return nil, err
	}
	c.args = args
	if *c.resum == "" {
		return c, nil
	}
	path := filepath.Join(*c.resum, checkpointFile)
	_, orig, err := checkpointArgs(path, rbm.KindRBM)
	if err != nil {
		return nil, err
	}
	all := append(orig, args...)
	r := newRBMCmd()
	if err := parseFlags(r.fs, all, stderr); err != nil {
		return nil, err
	}
	*r.checkpoint = cmp.Or(*c.checkpoint, *c.resum)
	r.args, r.resumeFrom = withoutFlag(all, "resume"), path
	return r, nil
}

// check checks the flags' values.
func (c *rbmCmd) check() error {
	if err := checkRanges(c.fs, []rangeCheck{
		{"hidden", c.hidden >= 1 && c.hidden <= maxHiddenUnits, fmt.Sprintf("1 to %d hidden units", maxHiddenUnits)},
		{"samples-every", c.samplesEvery >= 1, "1 or more epochs"},
		{"gibbs", c.gibbs >= 1 && c.gibbs <= 100000, "1 to 100000 sweeps"},
	}); err != nil {
		return err
	}
	return c.cdFlags.check()
}

// newRBM returns the RBM to train: the checkpoint's when resuming, with
// the loop's state in c.saved, else a new one with Hinton's
// initialisation.
func (c *rbmCmd) newRBM(visible int) (*rbm.RBM, error) {
	if c.resumeFrom == "" {
		return rbm.New(rbm.Config{Visible: visible, Hidden: c.hidden, Seed: *c.seedValue})
	}
	r, info, st, err := rbm.ReadCheckpoint(c.resumeFrom)
	if err != nil {
		return nil, err
	}
	if r.Visible != visible || r.Hidden != c.hidden || r.Labels != 0 || r.Gaussian {
		return nil, fmt.Errorf("--resume: the checkpoint holds an RBM of %s, the flags say %d visible and %d hidden units", r.Config, visible, c.hidden)
	}
	c.saved, c.savedEpochs = st, info.Extra[keyRBMEpochs]
	return r, nil
}

// info is the model.Info of the run.
func (c *rbmCmd) info(tc train.Config, cd rbm.CDConfig, d *data.Splits) model.Info {
	info := model.Info{Eta: tc.Eta, Lambda: tc.Lambda, Momentum: tc.Momentum, BatchSize: tc.Batch,
		Epochs: tc.Epochs, Seed: tc.Seed, Data: fmt.Sprintf("mnist-%d", d.Train.N),
		Extra: map[string]string{"cd": cd.String(), "weight_cost": fmt.Sprint(c.weightCost)}}
	if tc.MomentumSchedule != nil {
		info.MomentumSchedule = tc.MomentumSchedule.String()
	}
	return info
}

// useCheckpoint makes tc continue the run resumed, if any, and save its
// state into --checkpoint, with info and the command line.
func (c *rbmCmd) useCheckpoint(tc *train.Config, info model.Info) error {
	tc.Resume, tc.Info = c.saved, info
	if *c.checkpoint == "" {
		return nil
	}
	if err := os.MkdirAll(*c.checkpoint, 0o755); err != nil {
		return err
	}
	cmdline, _ := json.Marshal(c.args)
	tc.Checkpoint = filepath.Join(*c.checkpoint, checkpointFile)
	tc.Info.Extra["args"] = string(cmdline)
	return nil
}

// printHeader says what is trained, on what and how.
func (c *rbmCmd) printHeader(w io.Writer, r *rbm.RBM, cd rbm.CDConfig, d *data.Splits) {
	fmt.Fprintf(w, "rbm      %s\n", r.Config)
	fmt.Fprintf(w, "training %d images (validation %d, test %d), %s\n", d.Train.N, d.Validation.N, d.Test.N, c.describe(cd))
	if c.saved != nil {
		fmt.Fprintf(w, "resuming after epoch %d\n", c.saved.Next)
	}
}
