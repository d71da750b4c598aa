package model

import (
	"encoding/json"
	"fmt"
	"strconv"

	"github.com/deepnet-go/deepnet/nn"
	"github.com/deepnet-go/deepnet/tensor"
)

// Format and FormatVersion are the values of the "format" and
// "format_version" metadata of a deepnet model file.
const (
	Format        = "deepnet"
	FormatVersion = "1"
)

// DefaultMaxBatch is the largest batch of a loaded network when
// Options.MaxBatch is zero.
const DefaultMaxBatch = 100

// Info is how a model was trained, stored as JSON in the "training" metadata.
// Every field is optional; the network's architecture, input shape,
// initialisation and seed are stored from the network itself, not here.
type Info struct {
	Preset   string  `json:"preset,omitempty"`
	Eta      float64 `json:"eta,omitempty"`
	Lambda   float64 `json:"lambda,omitempty"`
	Momentum float64 `json:"momentum,omitempty"`
	// MomentumSchedule is the momentum epoch by epoch, as
	// train.ParseMomentumSchedule reads it ("0.5:5:0.9"), when it was
	// not constant.
	MomentumSchedule string `json:"momentum_schedule,omitempty"`
	// Optimizer is the optimiser with its hyper-parameters, as
	// train.ParseOptimizer reads it ("sgd", "adam:0.9:0.999:1e-08"...;
	// empty in files written before deepnet had others, which are SGD's).
	Optimizer string `json:"optimizer,omitempty"`
	// ClipNorm is the global norm the gradients were clipped to (0: none).
	ClipNorm float64 `json:"clip_norm,omitempty"`
	// LabelSmoothing is the ε the network was trained with (0: none).
	LabelSmoothing float64 `json:"label_smoothing,omitempty"`
	// Teachers are the model files whose mean probabilities, softened at
	// TeacherTemperature, the network was distilled from with weight
	// TeacherWeight (none: no teacher).
	Teachers           []string `json:"teachers,omitempty"`
	TeacherWeight      float64  `json:"teacher_weight,omitempty"`
	TeacherTemperature float64  `json:"teacher_temperature,omitempty"`
	BatchSize          int      `json:"batch_size,omitempty"`
	Epochs             int      `json:"epochs,omitempty"`
	// Seed is the training run's seed (shuffling, dropout), when it differs
	// from the network's.
	Seed uint64 `json:"seed,omitempty"`
	// Data names the training data, e.g. "mnist-50k" or "mnist-expanded-250k".
	Data string `json:"data,omitempty"`
	// BestEpoch is the epoch of best validation accuracy, whose weights
	// and test accuracy these are (numbered from 1). For averaged weights
	// it is one past the last epoch averaged.
	BestEpoch int `json:"best_epoch,omitempty"`
	// AveragedEpochs, when positive, says the weights are the mean of the
	// AveragedEpochs epochs before BestEpoch (stochastic weight averaging).
	AveragedEpochs int `json:"averaged_epochs,omitempty"`
	// Final says the weights are a final model's (deepnet train
	// --no-validation): trained on the validation images too, selected by
	// nothing; ValidationAccuracy is then not measured.
	Final              bool    `json:"final,omitempty"`
	ValidationAccuracy float64 `json:"validation_accuracy,omitempty"`
	TestAccuracy       float64 `json:"test_accuracy,omitempty"`
	// Views is the test-time augmentation, in augment.ParseViews' syntax,
	// through which ValidationAccuracy and TestAccuracy were measured
	// (empty: the images as they are).
	Views string `json:"views,omitempty"`
	// Extra holds anything else, e.g. the deepnet version or a date.
	Extra map[string]string `json:"extra,omitempty"`
}

// Options tunes Decode and LoadWith.
type Options struct {
	// MaxBatch is the largest batch the loaded network takes
	// (DefaultMaxBatch when zero).
	MaxBatch int
	// IgnoreExtra skips tensors that are not parameters of the network
	// (e.g. a checkpoint's optimiser state) instead of reporting them.
	IgnoreExtra bool
	// MaxMemory is nn.Config.MaxMemory of the loaded network: a file whose
	// network would need more is refused with a *nn.MemoryError before
	// anything is built (0: nn.DefaultMaxMemory).
	MaxMemory int64
}

// Save writes net and info to path as a deepnet model file, atomically (see
// WriteFileAtomic): path holds its old content or the whole new file.
func Save(path string, net *nn.Network, info Info) error {
	f, err := Encode(net, info)
	if err != nil {
		return err
	}
	return WriteFileAtomic(path, f)
}

// Load reads the model file at path and rebuilds its network with
// DefaultMaxBatch. A file that is not a valid deepnet model gives a
// *FormatError saying what is wrong; Load never panics.
func Load(path string) (*nn.Network, *Info, error) {
	return LoadWith(path, Options{})
}

// LoadWith is Load with options.
func LoadWith(path string, opts Options) (*nn.Network, *Info, error) {
	f, err := ReadFile(path)
	if err != nil {
		return nil, nil, err
	}
	if _, ok := f.Metadata[DigestKey]; !ok && f.Metadata["format"] == Format {
		return nil, nil, &FormatError{File: path, Reason: "metadata has no sha256 digest of the data"}
	}
	net, info, err := Decode(f, opts)
	return net, info, withFile(err, path)
}

// Encode returns the File of net: its parameters (named as nn.Param.Name,
// shaped as PyTorch stores them) and the metadata. The tensors' Data alias
// the network's parameters: write the File before training changes them.
// A checkpoint may add tensors with names of its own and metadata keys.
func Encode(net *nn.Network, info Info) (*File, error) {
	training, err := json.Marshal(info)
	if err != nil {
		return nil, fmt.Errorf("model: training info: %v", err)
	}
	init := net.Init
	if init == "" {
		init = nn.InitNetwork3
	}
	f := &File{Metadata: map[string]string{
		"format":         Format,
		"format_version": FormatVersion,
		"spec":           net.Spec.String(),
		"input":          formatInput(net.In),
		"init":           string(init),
		"seed":           strconv.FormatUint(net.Seed, 10),
		"training":       string(training),
	}}
	for _, p := range net.Params() {
		f.Tensors = append(f.Tensors, Tensor{Name: p.Name, Shape: p.Value.Shape, Data: p.Value.Data})
	}
	return f, nil
}

// Decode rebuilds the network a deepnet File describes and copies its
// tensors in. It checks the format, the kind (a file of another kind, such
// as a restricted Boltzmann machine, is a *FormatError wrapping a
// *KindError), the version, the spec and input shape,
// that the buffers of the network fit in memory (1 GiB), and that the
// tensors are exactly the network's parameters with their shapes; any
// mismatch is a *FormatError.
func Decode(f *File, opts Options) (*nn.Network, *Info, error) {
	md := f.Metadata
	switch {
	case md["format"] != Format:
		return nil, nil, formatErr(fmt.Sprintf("metadata format is %q, not %q: not a deepnet model", md["format"], Format), nil)
	case KindOf(f) != KindNetwork:
		return nil, nil, CheckKind(f, KindNetwork)
	case md["format_version"] != FormatVersion:
		return nil, nil, formatErr(fmt.Sprintf("unsupported format_version %q (this deepnet reads %s)", md["format_version"], FormatVersion), nil)
	}
	cfg := nn.Config{MaxBatch: opts.MaxBatch, Init: nn.InitNetwork3}
	if cfg.MaxBatch == 0 {
		cfg.MaxBatch = DefaultMaxBatch
	}
	if cfg.MaxBatch < 1 {
		return nil, nil, fmt.Errorf("model: MaxBatch %d must be positive", cfg.MaxBatch)
	}
	var err error
	if cfg.Spec, err = nn.ParseSpec(md["spec"]); err != nil {
		return nil, nil, formatErr("metadata spec: "+err.Error(), err)
	}
	if cfg.In, err = parseInput(md["input"]); err != nil {
		return nil, nil, formatErr("metadata input: "+err.Error(), err)
	}
	if s, ok := md["init"]; ok {
		if cfg.Init, err = nn.ParseInit(s); err != nil {
			return nil, nil, formatErr("metadata init: "+err.Error(), err)
		}
	}
	if s, ok := md["seed"]; ok {
		if cfg.Seed, err = strconv.ParseUint(s, 10, 64); err != nil {
			return nil, nil, formatErr(fmt.Sprintf("metadata seed %q is not an unsigned integer", s), err)
		}
	}
	info, err := DecodeInfo(f)
	if err != nil {
		return nil, nil, err
	}
	plans, err := nn.Plan(cfg.Spec, cfg.In)
	if err != nil {
		return nil, nil, formatErr(fmt.Sprintf("spec %q does not fit input %s: %v", md["spec"], md["input"], err), err)
	}
	cfg.MaxMemory = opts.MaxMemory
	if err := nn.CheckMemory("the network", nn.MemoryOf(plans, cfg.MaxBatch).Total(), cfg.MaxMemory); err != nil {
		return nil, nil, formatErr(err.Error(), err)
	}
	if err := matchTensors(f, plans); err != nil {
		return nil, nil, err
	}
	net, err := build(cfg)
	if err != nil {
		return nil, nil, formatErr(err.Error(), err)
	}
	for _, p := range net.Params() {
		t := f.Tensor(p.Name)
		if t == nil || !tensor.SameShape(t.Shape, p.Value.Shape) || len(t.Data) != len(p.Value.Data) {
			return nil, nil, formatErr(fmt.Sprintf("the network needs tensor %s of shape %s", p.Name, tensor.ShapeString(p.Value.Shape)), nil)
		}
		copy(p.Value.Data, t.Data)
	}
	if !opts.IgnoreExtra && len(f.Tensors) != len(net.Params()) {
		known := make(map[string]bool, len(net.Params()))
		for _, p := range net.Params() {
			known[p.Name] = true
		}
		for _, t := range f.Tensors {
			if !known[t.Name] {
				return nil, nil, formatErr(fmt.Sprintf("unknown tensor %s: not a parameter of the spec %q", t.Name, md["spec"]), nil)
			}
		}
	}
	return net, info, nil
}

// DecodeInfo returns the training info of a File (empty when it has none)
// without building its network.
func DecodeInfo(f *File) (*Info, error) {
	info := new(Info)
	if s, ok := f.Metadata["training"]; ok {
		if err := json.Unmarshal([]byte(s), info); err != nil {
			return nil, formatErr("metadata training is not valid JSON: "+err.Error(), err)
		}
	}
	return info, nil
}

// matchTensors checks, before the network is built, that f holds each
// parameter the planned network needs, with its shape and finite values,
// and no name twice.
func matchTensors(f *File, plans []nn.LayerPlan) error {
	byName := make(map[string]*Tensor, len(f.Tensors))
	for i := range f.Tensors {
		t := &f.Tensors[i]
		if byName[t.Name] != nil {
			return formatErr(fmt.Sprintf("tensor %s appears twice", t.Name), nil)
		}
		byName[t.Name] = t
	}
	for _, l := range plans {
		for _, p := range l.Params {
			t := byName[p.Name]
			if t == nil {
				return formatErr(fmt.Sprintf("missing tensor %s: the spec %s needs %s", p.Name, l.Spec, tensor.ShapeString(p.Shape)), nil)
			}
			if !tensor.SameShape(t.Shape, p.Shape) {
				return formatErr(fmt.Sprintf("tensor %s has shape %s, the spec %s needs %s",
					t.Name, tensor.ShapeString(t.Shape), l.Spec, tensor.ShapeString(p.Shape)), nil)
			}
			if err := t.CheckFinite(); err != nil {
				return formatErr(err.Error(), err)
			}
		}
	}
	return nil
}

// build is nn.New for a config read from a file. The checks before it
// should leave nn nothing to panic about; should one be missed, the panic
// becomes an error, as Load promises.
func build(cfg nn.Config) (net *nn.Network, err error) {
	defer func() {
		if r := recover(); r != nil {
			net, err = nil, fmt.Errorf("building the network: %v", r)
		}
	}()
	return nn.New(cfg)
}
