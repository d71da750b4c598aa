package main

import (
	"flag"
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/deepnet-go/deepnet/data/augment"
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
	optimizer            string
	clip                 float64
	schedule             string
	trainLimit, patience int
	perClass             int
	labelsFirst          bool
	classes              string
	// noValidation is train's --no-validation (other commands leave it
	// false): a final model, trained on the validation images too.
	noValidation        bool
	average, selectLast int
	shift               int
	rotate, scale       float64
	elastic             string
	teachers            string
	text                string
	seq                 int
	teacherWeight       float64
	teacherTemp         float64
	seed                *uint64
	dataDir, tta        *string
	machine             machine
}

func newTrainFlags(name string) *trainFlags {
	f := &trainFlags{fs: newFlagSet(name), defaultPreset: defaultPreset}
	fs := f.fs
	fs.StringVar(&f.preset, "preset", "", "a preset of the chapter's table: shallow, conv1, conv2, relu, expanded, fc2, dropout, or deepnet's quick and best; see deepnet presets (default: quick; bench's: relu)")
	fs.StringVar(&f.net, "net", "", "the network as a spec, e.g. \"conv:20x5x5 maxpool:2 relu fc:100:relu softmax:10\" (default: the preset's)")
	fs.StringVar(&f.init, "init", "", "weight initialisation: network3, he or pytorch (default: the preset's)")
	fs.IntVar(&f.epochs, "epochs", 0, "epochs to train, 1 or more (default: the preset's)")
	fs.IntVar(&f.batch, "batch", 0, "mini-batch size, 1 or more (default: the preset's)")
	fs.Float64Var(&f.eta, "eta", 0, "learning rate η > 0 (default: the preset's)")
	fs.Float64Var(&f.lambda, "lambda", 0, "L2 regularisation λ ≥ 0 (default: the preset's)")
	fs.Float64Var(&f.momentum, "momentum", 0, "momentum μ in [0, 1) (0: plain SGD as network3; default: the preset's)")
	fs.BoolVar(&f.nesterov, "nesterov", false, "use Nesterov momentum (default: the preset's; --nesterov=false: classical momentum)")
	fs.StringVar(&f.optimizer, "optimizer", "", "sgd (with --momentum and --nesterov), adam or rmsprop, as PyTorch's, with λ as network3's; adam:BETA1:BETA2:EPS and rmsprop:ALPHA:EPS set their hyper-parameters (defaults 0.9:0.999:1e-8 and 0.99:1e-8) (default: the preset's, sgd)")
	fs.Float64Var(&f.clip, "clip", 0, "scale each mini-batch's gradients down to this L2 norm, taken over all of them together, when it is larger (0: off; default: the preset's)")
	fs.Float64Var(&f.smoothing, "label-smoothing", 0, "label smoothing ε in [0, 1): train towards (1-ε) on the label and ε/K on every class (0: off; default: the preset's)")
	fs.StringVar(&f.schedule, "schedule", "", "learning-rate schedule: const, step:EVERY:GAMMA, cosine, or cosine:FLOOR:HOLD (anneal to FLOOR·η, then hold it for the last HOLD epochs) (default: the preset's)")
	f.seed = seedFlag(fs)
	f.dataDir = dataFlag(fs)
	fs.IntVar(&f.trainLimit, "train-limit", 0, "train on the first N training images only (0: all)")
	fs.IntVar(&f.perClass, "labels-per-class", 0, "train on N training images of each class only, chosen by --seed (after --train-limit and --classes): the labelled images of a semi-supervised run (0: all)")
	fs.BoolVar(&f.labelsFirst, "labels-first", false, "with --labels-per-class: the first N images of each class, not N chosen by the seed (what --labels-per-class did before issue 21)")
	fs.StringVar(&f.classes, "classes", "", classesUsage)
	fs.IntVar(&f.patience, "patience", 0, "stop after this many epochs without a better validation accuracy (0: never)")
	fs.IntVar(&f.average, "average", 0, "also evaluate the mean of the weights of the last N epochs, after recomputing batch normalisation's statistics (stochastic weight averaging; 0: off; default: the preset's)")
	fs.IntVar(&f.selectLast, "select-last", 0, "choose the best validation epoch among the last N epochs and the averaged weights only (0: among all epochs, as network3; default: the preset's)")
	fs.StringVar(&f.teachers, "teacher", "", "distillation: train towards the mean probabilities of these model files (comma-separated) as well as the labels")
	fs.Float64Var(&f.teacherWeight, "teacher-weight", 0.5, "with --teacher: the teachers' share α of each target, in [0, 1], the labels' 1-α")
	fs.Float64Var(&f.teacherTemp, "teacher-temperature", 1, "with --teacher: soften the teachers' probabilities p to p^(1/T), normalised, T > 0 (T > 1 spreads them over the other classes)")
	f.machine = machineFlags(fs)
	fs.IntVar(&f.shift, "shift", 0, "augment: shift each training image by up to N pixels, afresh each epoch (0: off; default: the preset's)")
	fs.Float64Var(&f.rotate, "rotate", 0, "augment: rotate each training image by up to this many degrees, 0 to 180 (0: off; default: the preset's)")
	fs.Float64Var(&f.scale, "scale", 0, "augment: zoom each training image by a factor in [1-S, 1+S], 0 ≤ S < 1 (0: off; default: the preset's)")
	fs.StringVar(&f.elastic, "elastic", "", "augment: elastic distortion ALPHA:SIGMA (Simard et al. use 34:4), or off (default: the preset's)")
	f.tta = ttaFlag(fs)
	fs.StringVar(&f.text, "text", "", "train a character model (such as --preset charlm) on this text file, read as bytes: the first 90% to train on, the rest to validate on")
	fs.IntVar(&f.seq, "seq", 0, "a character model's window, in bytes: backpropagation through time over this many steps, the state carried to the next window (default: the preset's)")
	return f
}

// given reports whether the flag name was on the command line.
func (f *trainFlags) given(name string) bool { return given(f.fs, name) }

// checkValues reports the first flag given a value that cannot be meant,
// and the values it takes.
func (f *trainFlags) checkValues() error {
	finite := func(v float64) bool { return !math.IsNaN(v) && !math.IsInf(v, 0) }
	if err := checkRanges(f.fs, []rangeCheck{
		{"net", f.net != "", "a network spec such as \"fc:100:relu softmax:10\" (leave --net out for the preset's network)"},
		{"epochs", f.epochs >= 1, "1 or more epochs"},
		{"batch", f.batch >= 1, "a mini-batch of 1 or more images"},
		{"eta", f.eta > 0 && finite(f.eta), "a learning rate η > 0"},
		{"lambda", f.lambda >= 0 && finite(f.lambda), "λ ≥ 0 (0: no L2 regularisation)"},
		{"momentum", f.momentum >= 0 && f.momentum < 1, "0 ≤ μ < 1 (0: plain SGD)"},
		{"optimizer", f.optimizer != "", "sgd, adam, adam:BETA1:BETA2:EPS, rmsprop or rmsprop:ALPHA:EPS"},
		{"clip", f.clip >= 0 && finite(f.clip), "a gradient norm ≥ 0 (0: no clipping)"},
		{"label-smoothing", f.smoothing >= 0 && f.smoothing < 1, "0 ≤ ε < 1 (0: off)"},
		{"train-limit", f.trainLimit >= 0, "0 (all) or more images"},
		{"labels-per-class", f.perClass >= 0, "0 (all) or more images of each class"},
		{"patience", f.patience >= 0, "0 (never stop early) or more epochs"},
		{"average", f.average >= 0, "0 (off) or more epochs, at most --epochs"},
		{"select-last", f.selectLast >= 0, "0 (all epochs) or more, at most --epochs"},
		{"shift", f.shift >= 0, "0 (off) or more pixels"},
		{"rotate", f.rotate >= 0 && f.rotate <= 180, "0 (off) to 180 degrees"},
		{"scale", f.scale >= 0 && f.scale < 1, "0 ≤ S < 1 (0: off)"},
		{"teacher-weight", f.teacherWeight >= 0 && f.teacherWeight <= 1, "a weight in [0, 1]"},
		{"teacher-temperature", f.teacherTemp > 0 && finite(f.teacherTemp), "a positive temperature"},
		{"seq", f.seq >= 1 && f.seq <= 100000, "a window of 1 to 100000 bytes"},
	}); err != nil {
		return err
	}
	if f.labelsFirst && f.perClass == 0 {
		return fmt.Errorf("--labels-first says which images --labels-per-class N keeps; give --labels-per-class too")
	}
	if f.given("classes") {
		if _, err := parseClasses(f.classes); err != nil {
			return err
		}
	}
	for _, name := range []string{"teacher-weight", "teacher-temperature"} {
		if f.given(name) && f.teachers == "" {
			return fmt.Errorf("--%s needs --teacher FILE[,FILE...]", name)
		}
	}
	return nil
}

// settings resolves the preset and the flags into a network config, a
// training config and the preset as the flags changed it, and applies
// --workers and --max-memory.
func (f *trainFlags) settings() (nn.Config, train.Config, train.Preset, error) {
	if err := f.machine.apply(); err != nil {
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

// resolve checks the flags' values, gives p the settings of the flags
// given, and makes the configs of the result.
func (f *trainFlags) resolve(p train.Preset) (nn.Config, train.Config, train.Preset, error) {
	if err := f.checkValues(); err != nil {
		return nn.Config{}, train.Config{}, p, err
	}
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
	set("optimizer", func() { p.Optimizer = f.optimizer })
	set("clip", func() { p.ClipNorm = f.clip })
	set("label-smoothing", func() { p.LabelSmoothing = f.smoothing })
	set("average", func() { p.Average = f.average })
	set("select-last", func() { p.SelectLast = f.selectLast })
	set("shift", func() { p.Augment.MaxShift = f.shift })
	set("rotate", func() { p.Augment.MaxRotate = f.rotate })
	set("scale", func() { p.Augment.MaxScale = f.scale })
	set("tta", func() { p.TTA = *f.tta })
	set("seq", func() { p.Seq = f.seq })
	if f.noValidation && !f.given("select-last") {
		p.SelectLast = 0 // a final model selects nothing
	}
	if f.given("elastic") {
		alpha, sigma, err := parseElastic(f.elastic)
		if err != nil {
			return p, err
		}
		p.Augment.ElasticAlpha, p.Augment.ElasticSigma = alpha, sigma
	}
	return f.overrideMomentum(p)
}

// overrideMomentum drops the preset's momentum when the optimiser is not
// SGD (Adam and RMSprop keep moments of their own), and reports momentum
// given by a flag with such an optimiser.
func (f *trainFlags) overrideMomentum(p train.Preset) (train.Preset, error) {
	spec, err := train.ParseOptimizer(p.Optimizer)
	if err != nil {
		return p, f.named("optimizer", err)
	}
	if spec.Name == train.OptimizerSGD {
		return p, nil
	}
	for _, c := range []struct {
		flag string
		set  bool
	}{{"momentum", p.Momentum != 0}, {"nesterov", p.Nesterov}} {
		if f.given(c.flag) && c.set {
			return p, fmt.Errorf("--%s %s: momentum is SGD's, and the optimiser is %s, which keeps moments of its own; leave --%s out (or 0), or give --optimizer sgd",
				c.flag, f.fs.Lookup(c.flag).Value, spec.Name, c.flag)
		}
	}
	p.Momentum, p.Nesterov = 0, false
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
	if !ok || err1 != nil || err2 != nil || !(alpha >= 0) || math.IsInf(alpha, 0) || !(sigma > 0) || math.IsInf(sigma, 0) {
		return 0, 0, fmt.Errorf("--elastic %q: want ALPHA:SIGMA with ALPHA ≥ 0 and SIGMA > 0, e.g. 34:4 (Simard et al.), or off", s)
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
		return nn.Config{}, train.Config{}, f.named("net", err)
	}
	init, err := nn.ParseInit(p.Init)
	if err != nil {
		return nn.Config{}, train.Config{}, f.named("init", err)
	}
	sched, err := train.ParseSchedule(p.Schedule)
	if err != nil {
		return nn.Config{}, train.Config{}, f.named("schedule", err)
	}
	if err := f.checkWindows(p); err != nil {
		return nn.Config{}, train.Config{}, err
	}
	netCfg := nn.Config{Spec: spec, In: nn.Shape{C: 1, H: 28, W: 28}, MaxBatch: max(p.Batch, 100), Seed: *f.seed, Init: init}
	if p.Seq > 0 { // a character model (textTask) reads windows of bytes
		netCfg.In, netCfg.MaxBatch = (&textTask{seq: p.Seq}).input(), p.Batch
	}
	trainCfg := train.Config{Epochs: p.Epochs, Batch: p.Batch, Eta: p.Eta, Lambda: p.Lambda,
		Optimizer: p.Optimizer, Momentum: p.Momentum, Nesterov: p.Nesterov, ClipNorm: p.ClipNorm, LabelSmoothing: p.LabelSmoothing, Schedule: sched, Seed: *f.seed, Patience: f.patience,
		Augment: p.Augment, KeepBest: true, Average: p.Average, SelectLast: p.SelectLast, Views: views}
	return netCfg, trainCfg, nil
}

// named prefixes err with the flag name when that flag was given, so
// that the message says which flag holds the bad value.
func (f *trainFlags) named(name string, err error) error {
	if f.given(name) {
		return fmt.Errorf("--%s: %w", name, err)
	}
	return err
}

// checkWindows checks --average and --select-last against the epochs
// and --patience, whether they come from the flags or the preset.
func (f *trainFlags) checkWindows(p train.Preset) error {
	for _, w := range []struct {
		flag string
		n    int
	}{{"average", p.Average}, {"select-last", p.SelectLast}} {
		if w.n <= p.Epochs {
			continue
		}
		whose := ""
		if !f.given(w.flag) {
			whose = fmt.Sprintf(" (preset %s's)", p.Name)
		}
		return fmt.Errorf("--%s %d%s: more than the %d epochs; want 0 to %d", w.flag, w.n, whose, p.Epochs, p.Epochs)
	}
	if p.SelectLast > 0 && f.patience > 0 {
		return fmt.Errorf("--patience stops at a time --select-last %d cannot know: use one of them (--select-last 0)", p.SelectLast)
	}
	return nil
}

// checkDecay reports an L2 regularisation so strong that network3's
// weight decay, η·λ/B of every weight each step (B mini-batches an epoch
// of n training images), would erase or flip the sign of every weight at
// every step of SGD. The error names the flag given (λ's, unless only
// --eta was given), and suggests changing that flag, never another.
func (f *trainFlags) checkDecay(cfg train.Config, n int) error {
	if spec, _ := train.ParseOptimizer(cfg.Optimizer); spec.Name != train.OptimizerSGD {
		return nil // Adam and RMSprop scale λ/B·w with the rest of the gradient
	}
	b := n / max(cfg.Batch, 1)
	if b < 1 || cfg.Eta*cfg.Lambda/float64(b) < 1 {
		return nil
	}
	decay := cfg.Eta * cfg.Lambda / float64(b)
	if f.given("eta") && !f.given("lambda") {
		return fmt.Errorf("--eta %g: with the preset's λ %g and %d mini-batches an epoch, weight decay would take η·λ/%d = %.3g of every weight each step; want η < %g, or a smaller --lambda",
			cfg.Eta, cfg.Lambda, b, b, decay, float64(b)/cfg.Lambda)
	}
	return fmt.Errorf("--lambda %g: with η %g and %d mini-batches an epoch, weight decay would take η·λ/%d = %.3g of every weight each step; want λ < %g",
		cfg.Lambda, cfg.Eta, b, b, decay, float64(b)/cfg.Eta)
}

// info is the model.Info of a run of preset p with cfg on the data named
// dataName, before its result is known.
func (f *trainFlags) info(p train.Preset, cfg train.Config, dataName string) model.Info {
	spec, _ := train.ParseOptimizer(cfg.Optimizer)
	info := model.Info{Preset: p.Name, Eta: cfg.Eta, Lambda: cfg.Lambda, Momentum: cfg.Momentum,
		Optimizer: spec.String(), ClipNorm: cfg.ClipNorm, LabelSmoothing: cfg.LabelSmoothing,
		Teachers: f.teacherFiles(), TeacherWeight: cfg.TeacherWeight, BatchSize: cfg.Batch,
		Epochs: cfg.Epochs, Seed: *f.seed, Data: dataName}
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
	info.AveragedEpochs, info.Final = best.AveragedEpochs, best.NoValidation
	if best.Views > 0 {
		info.Views = augment.FormatViews(views)
	}
	return info
}
