package main

import (
	"cmp"
	"flag"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/deepnet-go/deepnet/data"
	"github.com/deepnet-go/deepnet/data/augment"
	"github.com/deepnet-go/deepnet/data/mnist"
	"github.com/deepnet-go/deepnet/internal/f32"
	"github.com/deepnet-go/deepnet/model"
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
	momentum, smoothing  float64
	nesterov             bool
	schedule             string
	seed                 uint64
	dataDir              string
	trainLimit, patience int
	average, selectLast  int
	metrics, plot, out   string
	shift, workers       int
	rotate               float64
	scale                float64
	elastic              string
	teachers             string
	teacherWeight        float64
	teacherTemp          float64
	tta                  string
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
	fs.Float64Var(&f.smoothing, "label-smoothing", -1, "label smoothing ε: train towards (1-ε) on the label and ε/K on every class (0: off; default: the preset's)")
	fs.StringVar(&f.schedule, "schedule", "", "learning-rate schedule: const, step:EVERY:GAMMA, cosine, or cosine:FLOOR:HOLD (anneal to FLOOR·η, then hold it for the last HOLD epochs) (default: the preset's)")
	fs.Uint64Var(&f.seed, "seed", 1, "random seed: the same seed gives the same weights and numbers")
	fs.StringVar(&f.dataDir, "data", "", "directory with the four MNIST IDX files (default: $DEEPNET_DATA, else the cache, fetched on first use)")
	fs.IntVar(&f.trainLimit, "train-limit", 0, "train on the first N training images only")
	fs.IntVar(&f.patience, "patience", 0, "stop after this many epochs without a better validation accuracy (0: never)")
	fs.IntVar(&f.average, "average", -1, "also evaluate the mean of the weights of the last N epochs, after recomputing batch normalisation's statistics (stochastic weight averaging; 0: off; default: the preset's)")
	fs.IntVar(&f.selectLast, "select-last", -1, "choose the best validation epoch among the last N epochs and the averaged weights only (0: among all epochs, as network3; default: the preset's)")
	fs.StringVar(&f.teachers, "teacher", "", "distillation: train towards the mean probabilities of these model files (comma-separated) as well as the labels")
	fs.Float64Var(&f.teacherWeight, "teacher-weight", -1, "the teachers' share α of each target, the labels' 1-α (default 0.5 with --teacher)")
	fs.Float64Var(&f.teacherTemp, "teacher-temperature", 1, "soften the teachers' probabilities p to p^(1/T), normalised (T > 1 spreads them over the other classes)")
	fs.IntVar(&f.workers, "workers", 0, "CPU cores to use (default: all); results do not depend on it")
	fs.StringVar(&f.metrics, "metrics", "", "write one JSON object per epoch to this file")
	fs.StringVar(&f.plot, "plot", "", "draw the validation and test accuracy per epoch into this PNG file")
	fs.StringVar(&f.out, "out", "", "save the trained network (weights of the best validation epoch) to this model file")
	fs.IntVar(&f.shift, "shift", -1, "augment: shift each training image by up to N pixels, afresh each epoch")
	fs.Float64Var(&f.rotate, "rotate", -1, "augment: rotate each training image by up to this many degrees")
	fs.Float64Var(&f.scale, "scale", -1, "augment: zoom each training image by a factor in [1-S, 1+S]")
	fs.StringVar(&f.elastic, "elastic", "", "augment: elastic distortion ALPHA:SIGMA (Simard et al. use 34:4), or off")
	fs.StringVar(&f.tta, "tta", "", ttaUsage+" (default: the preset's)")
	return f
}

// settings resolves the preset and the flags into a network config, a
// training config and whether the data are expanded.
func (f *trainFlags) settings() (nn.Config, train.Config, train.Preset, error) {
	if f.workers > 0 {
		f32.SetWorkers(f.workers)
	}
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
	if f.nesterov {
		p.Nesterov = true
	}
	if f.smoothing >= 0 {
		p.LabelSmoothing = f.smoothing
	}
	if f.average >= 0 {
		p.Average = f.average
	}
	if f.selectLast >= 0 {
		p.SelectLast = f.selectLast
	}
	if f.shift >= 0 {
		p.Augment.MaxShift = f.shift
	}
	if f.rotate >= 0 {
		p.Augment.MaxRotate = f.rotate
	}
	if f.scale >= 0 {
		p.Augment.MaxScale = f.scale
	}
	if f.elastic == "off" {
		p.Augment.ElasticAlpha, p.Augment.ElasticSigma = 0, 0
	} else if f.elastic != "" {
		a, s, ok := strings.Cut(f.elastic, ":")
		alpha, err1 := strconv.ParseFloat(a, 64)
		sigma, err2 := strconv.ParseFloat(s, 64)
		if !ok || err1 != nil || err2 != nil {
			return nn.Config{}, train.Config{}, p, fmt.Errorf("--elastic %q: want ALPHA:SIGMA, e.g. 34:4", f.elastic)
		}
		p.Augment.ElasticAlpha, p.Augment.ElasticSigma = alpha, sigma
	}
	if f.tta != "" {
		p.TTA = f.tta
	}
	views, err := augment.ParseViews(cmp.Or(p.TTA, "none"))
	if err != nil {
		return nn.Config{}, train.Config{}, p, fmt.Errorf("--tta: %w", err)
	}
	if err := p.Augment.Validate(); err != nil {
		return nn.Config{}, train.Config{}, p, err
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
	if !(p.LabelSmoothing < 1) {
		return nn.Config{}, train.Config{}, p, fmt.Errorf("--label-smoothing %v: want 0 ≤ ε < 1", p.LabelSmoothing)
	}
	if p.Average > p.Epochs || p.SelectLast > p.Epochs {
		return nn.Config{}, train.Config{}, p, fmt.Errorf("--average %d, --select-last %d: more than the %d epochs", p.Average, p.SelectLast, p.Epochs)
	}
	if p.SelectLast > 0 && f.patience > 0 {
		return nn.Config{}, train.Config{}, p, fmt.Errorf("--patience stops at a time --select-last %d cannot know: use one of them (--select-last 0)", p.SelectLast)
	}
	netCfg := nn.Config{Spec: spec, In: nn.Shape{C: 1, H: 28, W: 28}, MaxBatch: max(p.Batch, 100), Seed: f.seed, Init: init}
	trainCfg := train.Config{Epochs: p.Epochs, Batch: p.Batch, Eta: p.Eta, Lambda: p.Lambda,
		Momentum: p.Momentum, Nesterov: p.Nesterov, LabelSmoothing: p.LabelSmoothing, Schedule: sched, Seed: f.seed, Patience: f.patience,
		Augment: p.Augment, KeepBest: true, Average: p.Average, SelectLast: p.SelectLast, Views: views}
	return netCfg, trainCfg, p, nil
}

// loadData finds and loads MNIST, applies --train-limit and, for presets
// that need it, expands the training set.
func (f *trainFlags) loadData(p train.Preset, log io.Writer) (*data.Splits, error) {
	d, err := mnist.LoadDefault(f.dataDir, log)
	if err != nil {
		return nil, err
	}
	if f.trainLimit > 0 && f.trainLimit < d.Train.N {
		d.Train = d.Train.Slice(0, f.trainLimit)
	}
	if p.Expanded {
		if d.Train, err = loadExpanded(d.Train, f.seed, log); err != nil {
			return nil, err
		}
	}
	return d, nil
}

// info is the model.Info of a run of preset p with cfg on n training
// images, before its result is known.
func (f *trainFlags) info(p train.Preset, cfg train.Config, n int) model.Info {
	info := model.Info{Preset: p.Name, Eta: cfg.Eta, Lambda: cfg.Lambda, Momentum: cfg.Momentum, LabelSmoothing: cfg.LabelSmoothing,
		Teachers: f.teacherFiles(), TeacherWeight: cfg.TeacherWeight, BatchSize: cfg.Batch,
		Epochs: cfg.Epochs, Seed: f.seed, Data: fmt.Sprintf("mnist-%d", n)}
	if len(info.Teachers) > 0 {
		info.TeacherTemperature = f.teacherTemp
	}
	return info
}

// withBest returns info with the selected record of res: its epoch, its
// accuracies, and the views they were measured through.
func withBest(info model.Info, res *train.Result, views []augment.View) model.Info {
	best, _ := res.Best()
	info.BestEpoch, info.ValidationAccuracy, info.TestAccuracy = res.BestEpoch+1, res.BestValidation, res.TestAtBest
	info.AveragedEpochs = best.AveragedEpochs
	if best.Views > 0 {
		info.Views = augment.FormatViews(views)
	}
	return info
}
