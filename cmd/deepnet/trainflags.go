package main

import (
	"flag"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/deepnet-go/deepnet/data"
	"github.com/deepnet-go/deepnet/model"
	"github.com/deepnet-go/deepnet/nn"
	"github.com/deepnet-go/deepnet/train"
)

// defaultPreset is what "deepnet train" trains without --preset or --net.
const defaultPreset = "quick"

// trainFlags are the flags that say what to train and how; train, bench
// and ensemble share them. A preset gives every setting; a flag given on
// the command line replaces the preset's, whatever its value (zero too:
// --momentum 0 turns the preset's momentum off), and a flag left out
// leaves it. Whether a flag was given is the flag set's to say (given),
// not a value's.
type trainFlags struct {
	fs *flag.FlagSet
	// defaultPreset is the preset without --preset.
	defaultPreset        string
	preset, net, init    string
	epochs, batch        int
	eta, lambda          float64
	momentum, smoothing  float64
	nesterov             bool
	schedule             string
	trainLimit, patience int
	average, selectLast  int
	shift                int
	rotate, scale        float64
	elastic              string
	teachers             string
	teacherWeight        float64
	teacherTemp          float64
	seed                 *uint64
	dataDir, tta         *string
	workers              *int
}

func newTrainFlags(name string) *trainFlags {
	f := &trainFlags{fs: newFlagSet(name), defaultPreset: defaultPreset}
	fs := f.fs
	fs.StringVar(&f.preset, "preset", "", "a preset of the chapter's table: shallow, conv1, conv2, relu, expanded, fc2, dropout, or deepnet's quick and best; see deepnet presets (default: quick; bench's: relu)")
	fs.StringVar(&f.net, "net", "", "the network as a spec, e.g. \"conv:20x5x5 maxpool:2 relu fc:100:relu softmax:10\" (default: the preset's)")
	fs.StringVar(&f.init, "init", "", "weight initialisation: network3 or he (default: the preset's)")
	fs.IntVar(&f.epochs, "epochs", 0, "epochs to train (default: the preset's)")
	fs.IntVar(&f.batch, "batch", 0, "mini-batch size (default: the preset's)")
	fs.Float64Var(&f.eta, "eta", 0, "learning rate η (default: the preset's)")
	fs.Float64Var(&f.lambda, "lambda", 0, "L2 regularisation λ (default: the preset's)")
	fs.Float64Var(&f.momentum, "momentum", 0, "momentum μ (0: plain SGD as network3; default: the preset's)")
	fs.BoolVar(&f.nesterov, "nesterov", false, "use Nesterov momentum (default: the preset's; --nesterov=false: classical momentum)")
	fs.Float64Var(&f.smoothing, "label-smoothing", 0, "label smoothing ε: train towards (1-ε) on the label and ε/K on every class (0: off; default: the preset's)")
	fs.StringVar(&f.schedule, "schedule", "", "learning-rate schedule: const, step:EVERY:GAMMA, cosine, or cosine:FLOOR:HOLD (anneal to FLOOR·η, then hold it for the last HOLD epochs) (default: the preset's)")
	f.seed = seedFlag(fs)
	f.dataDir = dataFlag(fs)
	fs.IntVar(&f.trainLimit, "train-limit", 0, "train on the first N training images only")
	fs.IntVar(&f.patience, "patience", 0, "stop after this many epochs without a better validation accuracy (0: never)")
	fs.IntVar(&f.average, "average", 0, "also evaluate the mean of the weights of the last N epochs, after recomputing batch normalisation's statistics (stochastic weight averaging; 0: off; default: the preset's)")
	fs.IntVar(&f.selectLast, "select-last", 0, "choose the best validation epoch among the last N epochs and the averaged weights only (0: among all epochs, as network3; default: the preset's)")
	fs.StringVar(&f.teachers, "teacher", "", "distillation: train towards the mean probabilities of these model files (comma-separated) as well as the labels")
	fs.Float64Var(&f.teacherWeight, "teacher-weight", 0.5, "with --teacher: the teachers' share α of each target, the labels' 1-α")
	fs.Float64Var(&f.teacherTemp, "teacher-temperature", 1, "with --teacher: soften the teachers' probabilities p to p^(1/T), normalised (T > 1 spreads them over the other classes)")
	f.workers = workersFlag(fs)
	fs.IntVar(&f.shift, "shift", 0, "augment: shift each training image by up to N pixels, afresh each epoch (0: off; default: the preset's)")
	fs.Float64Var(&f.rotate, "rotate", 0, "augment: rotate each training image by up to this many degrees (0: off; default: the preset's)")
	fs.Float64Var(&f.scale, "scale", 0, "augment: zoom each training image by a factor in [1-S, 1+S] (0: off; default: the preset's)")
	fs.StringVar(&f.elastic, "elastic", "", "augment: elastic distortion ALPHA:SIGMA (Simard et al. use 34:4), or off (default: the preset's)")
	f.tta = ttaFlag(fs)
	return f
}

// given reports whether the flag name was on the command line.
func (f *trainFlags) given(name string) bool { return given(f.fs, name) }

// settings resolves the preset and the flags into a network config, a
// training config and the preset as the flags changed it, and applies
// --workers.
func (f *trainFlags) settings() (nn.Config, train.Config, train.Preset, error) {
	if err := applyWorkers(f.fs, *f.workers); err != nil {
		return nn.Config{}, train.Config{}, train.Preset{}, err
	}
	name := f.defaultPreset
	if f.given("preset") {
		name = f.preset
	}
	p, err := train.LookupPreset(name)
	if err != nil {
		return nn.Config{}, train.Config{}, p, err
	}
	return f.resolve(p)
}

// resolve gives p the settings of the flags given, checks the result and
// makes its configs.
func (f *trainFlags) resolve(p train.Preset) (nn.Config, train.Config, train.Preset, error) {
	p, err := f.override(p)
	if err != nil {
		return nn.Config{}, train.Config{}, p, err
	}
	netCfg, cfg, err := f.configs(p)
	return netCfg, cfg, p, err
}

// override returns p with the settings of the flags given.
func (f *trainFlags) override(p train.Preset) (train.Preset, error) {
	set := func(name string, apply func()) {
		if f.given(name) {
			apply()
		}
	}
	set("net", func() { p.Spec = f.net })
	set("epochs", func() { p.Epochs = f.epochs })
	set("batch", func() { p.Batch = f.batch })
	set("eta", func() { p.Eta = f.eta })
	set("lambda", func() { p.Lambda = f.lambda })
	set("init", func() { p.Init = f.init })
	set("schedule", func() { p.Schedule = f.schedule })
	set("momentum", func() { p.Momentum = f.momentum })
	set("nesterov", func() { p.Nesterov = f.nesterov })
	set("label-smoothing", func() { p.LabelSmoothing = f.smoothing })
	set("average", func() { p.Average = f.average })
	set("select-last", func() { p.SelectLast = f.selectLast })
	set("shift", func() { p.Augment.MaxShift = f.shift })
	set("rotate", func() { p.Augment.MaxRotate = f.rotate })
	set("scale", func() { p.Augment.MaxScale = f.scale })
	set("tta", func() { p.TTA = *f.tta })
	if f.given("elastic") {
		alpha, sigma, err := parseElastic(f.elastic)
		if err != nil {
			return p, err
		}
		p.Augment.ElasticAlpha, p.Augment.ElasticSigma = alpha, sigma
	}
	return p, nil
}

// parseElastic reads --elastic: off, or ALPHA:SIGMA.
func parseElastic(s string) (alpha, sigma float64, err error) {
	if s == "off" {
		return 0, 0, nil
	}
	a, b, ok := strings.Cut(s, ":")
	alpha, err1 := strconv.ParseFloat(a, 64)
	sigma, err2 := strconv.ParseFloat(b, 64)
	if !ok || err1 != nil || err2 != nil {
		return 0, 0, fmt.Errorf("--elastic %q: want ALPHA:SIGMA, e.g. 34:4", s)
	}
	return alpha, sigma, nil
}

// configs checks the preset p as the flags made it and returns the
// network's and the training's configs.
func (f *trainFlags) configs(p train.Preset) (nn.Config, train.Config, error) {
	views, err := parseTTA(p.TTA)
	if err != nil {
		return nn.Config{}, train.Config{}, err
	}
	if err := p.Augment.Validate(); err != nil {
		return nn.Config{}, train.Config{}, err
	}
	spec, err := nn.ParseSpec(p.Spec)
	if err != nil {
		return nn.Config{}, train.Config{}, err
	}
	init, err := nn.ParseInit(p.Init)
	if err != nil {
		return nn.Config{}, train.Config{}, err
	}
	sched, err := train.ParseSchedule(p.Schedule)
	if err != nil {
		return nn.Config{}, train.Config{}, err
	}
	if p.Epochs < 1 || p.Batch < 1 {
		return nn.Config{}, train.Config{}, fmt.Errorf("--epochs and --batch must be positive")
	}
	if !(p.LabelSmoothing < 1) {
		return nn.Config{}, train.Config{}, fmt.Errorf("--label-smoothing %v: want 0 ≤ ε < 1", p.LabelSmoothing)
	}
	if p.Average > p.Epochs || p.SelectLast > p.Epochs {
		return nn.Config{}, train.Config{}, fmt.Errorf("--average %d, --select-last %d: more than the %d epochs", p.Average, p.SelectLast, p.Epochs)
	}
	if p.SelectLast > 0 && f.patience > 0 {
		return nn.Config{}, train.Config{}, fmt.Errorf("--patience stops at a time --select-last %d cannot know: use one of them (--select-last 0)", p.SelectLast)
	}
	netCfg := nn.Config{Spec: spec, In: nn.Shape{C: 1, H: 28, W: 28}, MaxBatch: max(p.Batch, 100), Seed: *f.seed, Init: init}
	trainCfg := train.Config{Epochs: p.Epochs, Batch: p.Batch, Eta: p.Eta, Lambda: p.Lambda,
		Momentum: p.Momentum, Nesterov: p.Nesterov, LabelSmoothing: p.LabelSmoothing, Schedule: sched, Seed: *f.seed, Patience: f.patience,
		Augment: p.Augment, KeepBest: true, Average: p.Average, SelectLast: p.SelectLast, Views: views}
	return netCfg, trainCfg, nil
}

// loadData finds and loads MNIST, applies --train-limit and, for presets
// that need it, expands the training set.
func (f *trainFlags) loadData(p train.Preset, log io.Writer) (*data.MNIST, error) {
	d, err := data.LoadDefault(*f.dataDir, log)
	if err != nil {
		return nil, err
	}
	if f.trainLimit > 0 && f.trainLimit < d.Train.N {
		d.Train = d.Train.Slice(0, f.trainLimit)
	}
	if p.Expanded {
		if d.Train, err = loadExpanded(d.Train, *f.seed, log); err != nil {
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
		Epochs: cfg.Epochs, Seed: *f.seed, Data: fmt.Sprintf("mnist-%d", n)}
	if len(info.Teachers) > 0 {
		info.TeacherTemperature = f.teacherTemp
	}
	return info
}

// withBest returns info with the selected record of res: its epoch, its
// accuracies, and the views they were measured through.
func withBest(info model.Info, res *train.Result, views []data.View) model.Info {
	best, _ := res.Best()
	info.BestEpoch, info.ValidationAccuracy, info.TestAccuracy = res.BestEpoch+1, res.BestValidation, res.TestAtBest
	info.AveragedEpochs = best.AveragedEpochs
	if best.Views > 0 {
		info.Views = data.FormatViews(views)
	}
	return info
}
