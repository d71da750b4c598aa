package main

import (
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/deepnet-go/deepnet/data/augment"
	"github.com/deepnet-go/deepnet/nn"
	"github.com/deepnet-go/deepnet/train"
)

// presetFlags lists, for every setting of a train.Preset, a flag that
// sets it and what the configs must then hold. Where the setting has a
// zero value (momentum 0, const schedule, no views...), the flag gives
// it: a flag given on the command line wins over the preset even with its
// zero value. Epochs, batch, η and the network have no zero that can be
// meant; their flags give another value.
var presetFlags = []struct {
	args   []string
	fields []string // the train.Preset fields the flag sets
	holds  func(nn.Config, train.Config) bool
}{
	{[]string{"--net", "fc:10 softmax:10"}, []string{"Spec"}, func(n nn.Config, _ train.Config) bool { return n.Spec.String() == "fc:10 softmax:10" }},
	{[]string{"--epochs", "11"}, []string{"Epochs"}, func(_ nn.Config, c train.Config) bool { return c.Epochs == 11 }},
	{[]string{"--batch", "1"}, []string{"Batch"}, func(_ nn.Config, c train.Config) bool { return c.Batch == 1 }},
	{[]string{"--eta", "1e-9"}, []string{"Eta"}, func(_ nn.Config, c train.Config) bool { return c.Eta == 1e-9 }},
	{[]string{"--lambda", "0"}, []string{"Lambda"}, func(_ nn.Config, c train.Config) bool { return c.Lambda == 0 }},
	{[]string{"--init", "network3"}, []string{"Init"}, func(n nn.Config, _ train.Config) bool { return n.Init == nn.InitNetwork3 }},
	{[]string{"--momentum", "0"}, []string{"Momentum"}, func(_ nn.Config, c train.Config) bool { return c.Momentum == 0 }},
	{[]string{"--nesterov=false"}, []string{"Nesterov"}, func(_ nn.Config, c train.Config) bool { return !c.Nesterov }},
	// Optimizer's zero value, "", is SGD's, which the flag spells "sgd"
	// (the everything preset's): the flag gives another optimiser, whose
	// moments replace the preset's momentum.
	{[]string{"--optimizer", "adam"}, []string{"Optimizer"}, func(_ nn.Config, c train.Config) bool {
		return c.Optimizer == "adam" && c.Momentum == 0 && !c.Nesterov
	}},
	{[]string{"--clip", "0"}, []string{"ClipNorm"}, func(_ nn.Config, c train.Config) bool { return c.ClipNorm == 0 }},
	{[]string{"--seq", "7"}, []string{"Seq"}, func(n nn.Config, _ train.Config) bool { return n.In.T == 7 }},
	{[]string{"--label-smoothing", "0"}, []string{"LabelSmoothing"}, func(_ nn.Config, c train.Config) bool { return c.LabelSmoothing == 0 }},
	{[]string{"--schedule", "const"}, []string{"Schedule"}, func(_ nn.Config, c train.Config) bool { return c.Schedule == nil }},
	{[]string{"--shift", "0"}, []string{"Augment.MaxShift"}, func(_ nn.Config, c train.Config) bool { return c.Augment.MaxShift == 0 }},
	{[]string{"--rotate", "0"}, []string{"Augment.MaxRotate"}, func(_ nn.Config, c train.Config) bool { return c.Augment.MaxRotate == 0 }},
	{[]string{"--scale", "0"}, []string{"Augment.MaxScale"}, func(_ nn.Config, c train.Config) bool { return c.Augment.MaxScale == 0 }},
	{[]string{"--elastic", "off"}, []string{"Augment.ElasticAlpha", "Augment.ElasticSigma"},
		func(_ nn.Config, c train.Config) bool {
			return c.Augment.ElasticAlpha == 0 && c.Augment.ElasticSigma == 0
		}},
	{[]string{"--average", "0"}, []string{"Average"}, func(_ nn.Config, c train.Config) bool { return c.Average == 0 }},
	{[]string{"--select-last", "0"}, []string{"SelectLast"}, func(_ nn.Config, c train.Config) bool { return c.SelectLast == 0 }},
	{[]string{"--tta", "none"}, []string{"TTA"}, func(_ nn.Config, c train.Config) bool { return augment.Plain(c.Views) }},
}

// alsoSets lists, by the first field a flag sets, the fields it changes
// beyond its own: an optimiser other than SGD drops the preset's momentum.
var alsoSets = map[string][]string{"Optimizer": {"Momentum", "Nesterov"}}

// notFlags are the preset's fields that no flag sets: its name and
// descriptions, and Expanded, the training data it needs.
var notFlags = []string{"Name", "Book", "About", "Expect", "Expanded"}

// everything is a preset whose every setting differs from its zero value
// and from the values presetFlags give.
var everything = train.Preset{Name: "everything", Spec: "fc:30:relu softmax:10", Epochs: 5, Batch: 20, Eta: 0.1, Lambda: 0.1,
	Expanded: true, Book: 99, Init: "he", Momentum: 0.9, Nesterov: true, Optimizer: "sgd", ClipNorm: 5, LabelSmoothing: 0.1, Schedule: "cosine",
	Augment: augment.Config{MaxShift: 2, MaxRotate: 10, MaxScale: 0.1, ElasticAlpha: 34, ElasticSigma: 4},
	Average: 3, SelectLast: 3, TTA: "shifts", Seq: 3, About: "a preset that sets everything", Expect: "nothing"}

// presetFields returns the names of p's fields ("Augment.MaxShift" for
// those of a struct) and whether each is set (not its zero value).
func presetFields(p train.Preset) map[string]bool {
	fields := map[string]bool{}
	var walk func(prefix string, v reflect.Value)
	walk = func(prefix string, v reflect.Value) {
		for i := range v.NumField() {
			name, f := prefix+v.Type().Field(i).Name, v.Field(i)
			if f.Kind() == reflect.Struct {
				walk(name+".", f)
				continue
			}
			fields[name] = !f.IsZero()
		}
	}
	walk("", reflect.ValueOf(p))
	return fields
}

// TestEveryPresetSettingHasAFlag: each field of train.Preset is a setting
// a flag of presetFlags gives, or one of notFlags; a new setting needs
// a flag (and a row in presetFlags).
func TestEveryPresetSettingHasAFlag(t *testing.T) {
	covered := slices.Clone(notFlags)
	for _, c := range presetFlags {
		covered = append(covered, c.fields...)
	}
	for name, set := range presetFields(everything) {
		if !slices.Contains(covered, name) {
			t.Errorf("train.Preset.%s: no flag in presetFlags sets it (or add it to notFlags)", name)
		}
		if !set {
			t.Errorf("the test preset leaves %s at its zero value", name)
		}
	}
}

// resolveArgs parses args as train's flags and resolves them over p.
func resolveArgs(t *testing.T, p train.Preset, args ...string) (nn.Config, train.Config) {
	t.Helper()
	f := newTrainFlags("train")
	if err := f.fs.Parse(args); err != nil {
		t.Fatalf("%v: %v", args, err)
	}
	netCfg, cfg, _, err := f.resolve(p)
	if err != nil {
		t.Fatalf("%v: %v", args, err)
	}
	return netCfg, cfg
}

// TestGivenFlagsOverridePreset gives each flag of presetFlags over a
// preset that sets everything, and over each preset of the table that
// sets the flag's setting: the flag wins, its zero value too, and the
// settings it does not touch stay the preset's.
func TestGivenFlagsOverridePreset(t *testing.T) {
	for _, c := range presetFlags {
		t.Run(strings.Join(c.args, " "), func(t *testing.T) {
			if n, cfg := resolveArgs(t, everything); c.holds(n, cfg) {
				t.Fatalf("without the flag the settings already hold what it gives")
			}
			n, cfg := resolveArgs(t, everything, c.args...)
			if !c.holds(n, cfg) {
				t.Errorf("the flag lost to the preset: %+v %+v", n, cfg)
			}
			// The others are left as the preset has them.
			n0, cfg0 := resolveArgs(t, everything)
			for _, o := range presetFlags {
				if !slices.Equal(o.fields, c.fields) && !slices.Contains(alsoSets[c.fields[0]], o.fields[0]) && o.holds(n, cfg) != o.holds(n0, cfg0) {
					t.Errorf("it also changed what %v sets", o.args)
				}
			}
			for _, p := range train.Presets {
				set := presetFields(p)
				if !set[c.fields[0]] {
					continue
				}
				n, cfg := resolveArgs(t, p, c.args...)
				if !c.holds(n, cfg) {
					t.Errorf("preset %s: the flag lost to the preset's %s", p.Name, c.fields[0])
				}
			}
		})
	}
}

// TestPresetQuickMomentumOff is the example: --preset quick with
// --momentum 0 --nesterov=false trains with plain SGD.
func TestPresetQuickMomentumOff(t *testing.T) {
	for _, args := range [][]string{
		{"--preset", "quick", "--momentum", "0", "--nesterov=false"},
		{"--momentum", "0"}, // quick is the default
		// With --resume the original command line comes first, the new
		// one after it: the later flag wins.
		{"--preset", "best", "--momentum", "0.5", "--nesterov", "--momentum", "0", "--nesterov=false"},
	} {
		f := newTrainFlags("train")
		if err := f.fs.Parse(args); err != nil {
			t.Fatal(err)
		}
		_, cfg, _, err := f.settings()
		if err != nil {
			t.Fatalf("%v: %v", args, err)
		}
		if cfg.Momentum != 0 || cfg.Nesterov {
			t.Errorf("%v: momentum %v, Nesterov %v; want plain SGD", args, cfg.Momentum, cfg.Nesterov)
		}
	}
	// The later flag wins whichever way.
	f := newTrainFlags("train")
	if err := f.fs.Parse([]string{"--preset", "relu", "--momentum", "0", "--momentum", "0.7"}); err != nil {
		t.Fatal(err)
	}
	if _, cfg, _, err := f.settings(); err != nil || cfg.Momentum != 0.7 {
		t.Errorf("--momentum 0 --momentum 0.7: momentum %v, error %v; want 0.7", cfg.Momentum, err)
	}
}

// TestOptimizerFlags: --optimizer adam over a preset with momentum trains
// with Adam and no momentum (the preset's is SGD's), and --momentum 0
// may be given with it; the optimiser and the clipping norm reach the
// configs and the model's training info, in full.
func TestOptimizerFlags(t *testing.T) {
	for _, args := range [][]string{
		{"--preset", "best", "--optimizer", "adam", "--clip", "2"},
		{"--preset", "quick", "--optimizer", "adam", "--momentum", "0", "--nesterov=false", "--clip", "2"},
	} {
		f := newTrainFlags("train")
		if err := f.fs.Parse(args); err != nil {
			t.Fatal(err)
		}
		_, cfg, p, err := f.settings()
		if err != nil {
			t.Fatalf("%v: %v", args, err)
		}
		if cfg.Optimizer != "adam" || cfg.Momentum != 0 || cfg.Nesterov || cfg.ClipNorm != 2 || p.Optimizer != "adam" || p.Momentum != 0 {
			t.Errorf("%v: optimiser %q, momentum %v, Nesterov %v, clip %v", args, cfg.Optimizer, cfg.Momentum, cfg.Nesterov, cfg.ClipNorm)
		}
		if info := f.info(p, cfg, "mnist-1000"); info.Optimizer != "adam:0.9:0.999:1e-08" || info.ClipNorm != 2 || info.Momentum != 0 {
			t.Errorf("%v: info %+v", args, info)
		}
	}
	// SGD, as before: the info names it.
	f := newTrainFlags("train")
	_, cfg, p, err := f.settings()
	if err != nil {
		t.Fatal(err)
	}
	if info := f.info(p, cfg, "mnist-1000"); info.Optimizer != "sgd" || info.ClipNorm != 0 || info.Momentum != 0.9 {
		t.Errorf("quick: info %+v", info)
	}
}
