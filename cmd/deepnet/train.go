package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/deepnet-go/deepnet/data"
	"github.com/deepnet-go/deepnet/nn"
	"github.com/deepnet-go/deepnet/train"
)

// defaultPreset is what "deepnet train" trains without --preset or --net.
const defaultPreset = "quick"

// trainFlags are the flags shared by train and bench.
type trainFlags struct {
	fs                   *flag.FlagSet
	preset, net, init    string
	epochs, batch        int
	eta, lambda          float64
	momentum             float64
	nesterov             bool
	schedule             string
	seed                 uint64
	dataDir              string
	trainLimit, patience int
	metrics              string
}

func newTrainFlags(name string) *trainFlags {
	f := &trainFlags{fs: flag.NewFlagSet("deepnet "+name, flag.ContinueOnError)}
	fs := f.fs
	fs.StringVar(&f.preset, "preset", "", "a preset of the chapter's table: shallow, conv1, conv2, relu, expanded, fc2, dropout (or quick); see deepnet presets")
	fs.StringVar(&f.net, "net", "", "the network as a spec, e.g. \"conv:20x5x5 maxpool:2 relu fc:100:relu softmax:10\" (overrides the preset's)")
	fs.StringVar(&f.init, "init", "", "weight initialisation: network3 or he (default network3)")
	fs.IntVar(&f.epochs, "epochs", 0, "epochs to train (default: the preset's)")
	fs.IntVar(&f.batch, "batch", 0, "mini-batch size (default: the preset's)")
	fs.Float64Var(&f.eta, "eta", 0, "learning rate η (default: the preset's)")
	fs.Float64Var(&f.lambda, "lambda", -1, "L2 regularisation λ (default: the preset's)")
	fs.Float64Var(&f.momentum, "momentum", 0, "momentum μ (0: plain SGD as network3)")
	fs.BoolVar(&f.nesterov, "nesterov", false, "use Nesterov momentum")
	fs.StringVar(&f.schedule, "schedule", "", "learning-rate schedule: const, step:EVERY:GAMMA or cosine (default: the preset's)")
	fs.Uint64Var(&f.seed, "seed", 1, "random seed: the same seed gives the same weights and numbers")
	fs.StringVar(&f.dataDir, "data", "", "directory with the four MNIST IDX files (default: $DEEPNET_DATA, else the cache, fetched on first use)")
	fs.IntVar(&f.trainLimit, "train-limit", 0, "train on the first N training images only")
	fs.IntVar(&f.patience, "patience", 0, "stop after this many epochs without a better validation accuracy (0: never)")
	fs.StringVar(&f.metrics, "metrics", "", "write one JSON object per epoch to this file")
	return f
}

// settings resolves the preset and the flags into a network config, a
// training config and whether the data are expanded.
func (f *trainFlags) settings() (nn.Config, train.Config, train.Preset, error) {
	name := f.preset
	if name == "" {
		name = defaultPreset
	}
	p, err := train.LookupPreset(name)
	if err != nil {
		return nn.Config{}, train.Config{}, p, err
	}
	if f.net != "" {
		p.Spec = f.net
	}
	if f.epochs > 0 {
		p.Epochs = f.epochs
	}
	if f.batch > 0 {
		p.Batch = f.batch
	}
	if f.eta > 0 {
		p.Eta = f.eta
	}
	if f.lambda >= 0 {
		p.Lambda = f.lambda
	}
	if f.init != "" {
		p.Init = f.init
	}
	if f.schedule != "" {
		p.Schedule = f.schedule
	}
	if f.momentum > 0 {
		p.Momentum = f.momentum
	}
	spec, err := nn.ParseSpec(p.Spec)
	if err != nil {
		return nn.Config{}, train.Config{}, p, err
	}
	init, err := nn.ParseInit(p.Init)
	if err != nil {
		return nn.Config{}, train.Config{}, p, err
	}
	sched, err := train.ParseSchedule(p.Schedule)
	if err != nil {
		return nn.Config{}, train.Config{}, p, err
	}
	if p.Epochs < 1 || p.Batch < 1 {
		return nn.Config{}, train.Config{}, p, fmt.Errorf("--epochs and --batch must be positive")
	}
	netCfg := nn.Config{Spec: spec, In: nn.Shape{C: 1, H: 28, W: 28}, MaxBatch: max(p.Batch, 100), Seed: f.seed, Init: init}
	trainCfg := train.Config{Epochs: p.Epochs, Batch: p.Batch, Eta: p.Eta, Lambda: p.Lambda,
		Momentum: p.Momentum, Nesterov: f.nesterov, Schedule: sched, Seed: f.seed, Patience: f.patience}
	return netCfg, trainCfg, p, nil
}

// loadData finds and loads MNIST, applies --train-limit and, for presets
// that need it, expands the training set.
func (f *trainFlags) loadData(p train.Preset, log io.Writer) (*data.MNIST, error) {
	d, err := data.LoadDefault(f.dataDir, log)
	if err != nil {
		return nil, err
	}
	if f.trainLimit > 0 && f.trainLimit < d.Train.N {
		d.Train = d.Train.Slice(0, f.trainLimit)
	}
	if p.Expanded {
		d.Train = data.Expand(d.Train, f.seed)
	}
	return d, nil
}

func runTrain(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	f := newTrainFlags("train")
	if err := parseFlags(f.fs, args, stderr); err != nil {
		return err
	}
	netCfg, cfg, p, err := f.settings()
	if err != nil {
		return err
	}
	d, err := f.loadData(p, stderr)
	if err != nil {
		return err
	}
	net, err := nn.New(netCfg)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "network  %s\n", netCfg.Spec)
	fmt.Fprintf(stdout, "training %d images (validation %d, test %d), %d epochs, mini-batch %d, η %g, λ %g, seed %d\n",
		d.Train.N, d.Validation.N, d.Test.N, cfg.Epochs, cfg.Batch, cfg.Eta, cfg.Lambda, f.seed)
	if p.Expect != "" && f.net == "" {
		fmt.Fprintf(stdout, "expect   %s\n", p.Expect)
	}
	var metrics *json.Encoder
	if f.metrics != "" {
		mf, err := os.Create(f.metrics)
		if err != nil {
			return err
		}
		defer mf.Close()
		metrics = json.NewEncoder(mf)
	}
	bar := newProgress(stderr)
	cfg.OnBatch = bar.batch
	var metricsErr error
	cfg.OnEpoch = func(e train.Epoch) {
		bar.clear()
		fmt.Fprintf(stdout, "epoch %d/%d: validation accuracy %.2f%%  (cost %.4f, %.1fs)\n",
			e.Epoch+1, cfg.Epochs, 100*e.Validation, e.Cost, e.Seconds)
		if metrics != nil && metricsErr == nil {
			metricsErr = metrics.Encode(e)
		}
	}
	start := time.Now()
	res, err := train.Run(ctx, net, d, cfg)
	bar.clear()
	if err != nil && !errors.Is(err, context.Canceled) {
		return err
	}
	if res != nil && res.BestEpoch >= 0 {
		fmt.Fprintf(stdout, "best validation accuracy %.2f%% at epoch %d; test accuracy at that epoch %.2f%%  (%s)\n",
			100*res.BestValidation, res.BestEpoch+1, 100*res.TestAtBest, time.Since(start).Round(time.Second))
	}
	if err != nil {
		return err
	}
	return metricsErr
}
