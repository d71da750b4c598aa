package rbm

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"

	"github.com/deepnet-go/deepnet/model"
	"github.com/deepnet-go/deepnet/nn"
	"github.com/deepnet-go/deepnet/tensor"
	"github.com/deepnet-go/deepnet/train"
)

// The kinds of model this package writes (model.KindKey).
const (
	KindRBM = "rbm"
	KindDBN = "dbn"
)

// Metadata keys of an RBM's sizes (a deep belief net's RBM i has them
// after "i.": "0.visible").
const (
	keyVisible = "visible"
	keyHidden  = "hidden"
	keyUnits   = "visible_units" // "binary" or "gaussian"
	keyLabels  = "labels"
	// keyPrefix is the prefix of the tensors' names of an RBM of a deep
	// belief net saved alone (a layer's checkpoint): "2." for "2.W".
	keyPrefix = "tensor_prefix"
)

// Encode returns the model file of r: its tensors W [Hidden][Visible],
// vbias and hbias (aliasing r's parameters: write the file before
// training changes them; an RBM of a deep belief net keeps its names,
// "2.W", and says so in the metadata "tensor_prefix"), and metadata with
// the format, the kind "rbm", the sizes ("visible", "hidden",
// "visible_units": binary or gaussian, "labels") and info.
func Encode(r *RBM, info model.Info) (*model.File, error) {
	training, err := json.Marshal(info)
	if err != nil {
		return nil, fmt.Errorf("rbm: training info: %v", err)
	}
	f := &model.File{Metadata: map[string]string{
		"format":         model.Format,
		"format_version": model.FormatVersion,
		model.KindKey:    KindRBM,
		"seed":           strconv.FormatUint(r.Seed, 10),
		"training":       string(training),
	}}
	if prefix := strings.TrimSuffix(r.W.Name, "W"); prefix != "" {
		f.Metadata[keyPrefix] = prefix
	}
	r.encode(f, "")
	return f, nil
}

// encode adds r's tensors and sizes to f, their names and keys prefixed.
func (r *RBM) encode(f *model.File, prefix string) {
	units := "binary"
	if r.Gaussian {
		units = "gaussian"
	}
	f.Metadata[prefix+keyVisible] = strconv.Itoa(r.Visible)
	f.Metadata[prefix+keyHidden] = strconv.Itoa(r.Hidden)
	f.Metadata[prefix+keyUnits] = units
	f.Metadata[prefix+keyLabels] = strconv.Itoa(r.Labels)
	for _, p := range r.Params() {
		f.Tensors = append(f.Tensors, model.Tensor{Name: p.Name, Shape: p.Value.Shape, Data: p.Value.Data})
	}
}

// Decode returns the RBM of a model file Encode wrote, and its training
// info. A file that is not one (a network, a deep belief net, sizes or
// tensors that disagree, values that are not finite, tensors of no RBM)
// is a *model.FormatError saying what is wrong; a file of another kind
// wraps a *model.KindError.
func Decode(f *model.File) (*RBM, *model.Info, error) {
	return decode(f, false)
}

// decode is Decode, ignoring tensors beyond the RBM's (a checkpoint's)
// when extra is set.
func decode(f *model.File, extra bool) (*RBM, *model.Info, error) {
	if err := checkFormat(f, KindRBM); err != nil {
		return nil, nil, err
	}
	r, err := decodeRBM(f, "", f.Metadata[keyPrefix])
	if err != nil {
		return nil, nil, err
	}
	if s, ok := f.Metadata["seed"]; ok {
		if r.Seed, err = strconv.ParseUint(s, 10, 64); err != nil {
			return nil, nil, formatErr("metadata seed %q is not an unsigned integer", s)
		}
	}
	if !extra && len(f.Tensors) != 3 {
		return nil, nil, unknownTensor(f, r.Params())
	}
	info, err := model.DecodeInfo(f)
	return r, info, err
}

// checkFormat reports a file that is not a deepnet file of kind.
func checkFormat(f *model.File, kind string) error {
	switch md := f.Metadata; {
	case md["format"] != model.Format:
		return formatErr("metadata format is %q, not %q: not a deepnet model", md["format"], model.Format)
	case model.KindOf(f) != kind:
		return model.CheckKind(f, kind)
	case md["format_version"] != model.FormatVersion:
		return formatErr("unsupported format_version %q (this deepnet reads %s)", md["format_version"], model.FormatVersion)
	}
	return nil
}

// formatErr returns a *model.FormatError.
func formatErr(format string, a ...any) error {
	return &model.FormatError{Reason: fmt.Sprintf(format, a...)}
}

// decodeRBM builds the RBM whose sizes f holds under the metadata keys
// prefix and tensors under the names names.
func decodeRBM(f *model.File, prefix, names string) (*RBM, error) {
	md := f.Metadata
	var cfg Config
	for _, k := range []struct {
		key string
		v   *int
	}{{keyVisible, &cfg.Visible}, {keyHidden, &cfg.Hidden}, {keyLabels, &cfg.Labels}} {
		s := md[prefix+k.key]
		n, err := strconv.Atoi(s)
		if err != nil {
			return nil, formatErr("metadata %s%s %q is not a number of units", prefix, k.key, s)
		}
		*k.v = n
	}
	switch u := md[prefix+keyUnits]; u {
	case "binary":
	case "gaussian":
		cfg.Gaussian = true
	default:
		return nil, formatErr("metadata %s%s %q: want binary or gaussian", prefix, keyUnits, u)
	}
	if err := cfg.check(); err != nil {
		return nil, formatErr("%v", err)
	}
	if len(names) > 20 {
		return nil, formatErr("metadata %s %q is too long", keyPrefix, names)
	}
	r, err := newNamed(cfg, names)
	if err != nil {
		return nil, formatErr("%v", err)
	}
	for _, p := range r.Params() {
		t := f.Tensor(p.Name)
		if t == nil || !tensor.SameShape(t.Shape, p.Value.Shape) {
			return nil, formatErr("the RBM of %d visible and %d hidden units needs tensor %s of shape %s", cfg.Visible, cfg.Hidden, p.Name, tensor.ShapeString(p.Value.Shape))
		}
		if err := t.CheckFinite(); err != nil {
			return nil, formatErr("%v", err)
		}
		copy(p.Value.Data, t.Data)
	}
	return r, nil
}

// unknownTensor reports the first tensor of f that is none of params.
func unknownTensor(f *model.File, params []*nn.Param) error {
	known := map[string]bool{}
	for _, p := range params {
		known[p.Name] = true
	}
	for _, t := range f.Tensors {
		if !known[t.Name] {
			return formatErr("unknown tensor %s: not a parameter of the model", t.Name)
		}
	}
	return formatErr("%d tensors, want %d", len(f.Tensors), len(params))
}

// Save writes r and info to path as a model file (Encode), atomically.
func Save(path string, r *RBM, info model.Info) error {
	f, err := Encode(r, info)
	if err != nil {
		return err
	}
	return model.WriteFileAtomic(path, f)
}

// Load reads the RBM a model file at path holds (Decode). It never
// panics on a bad file.
func Load(path string) (*RBM, *model.Info, error) {
	f, err := readFile(path)
	if err != nil {
		return nil, nil, err
	}
	r, info, err := Decode(f)
	return r, info, withFile(err, path)
}

// readFile reads a deepnet file and insists on its digest.
func readFile(path string) (*model.File, error) {
	f, err := model.ReadFile(path)
	if err != nil {
		return nil, err
	}
	if _, ok := f.Metadata[model.DigestKey]; !ok {
		return nil, &model.FormatError{File: path, Reason: "metadata has no sha256 digest of the data"}
	}
	return f, nil
}

// withFile puts path into a *model.FormatError that lacks it.
func withFile(err error, path string) error {
	if fe, ok := err.(*model.FormatError); ok && fe.File == "" {
		fe.File = path
	}
	return err
}

// ReadCheckpoint reads a checkpoint that train.Fit wrote for a CD
// objective: the RBM, its training info, and the state train.Config.Resume
// continues from (the persistent chains go back through CD's Restore).
func ReadCheckpoint(path string) (*RBM, *model.Info, *train.SavedState, error) {
	f, err := readFile(path)
	if err != nil {
		return nil, nil, nil, err
	}
	r, info, err := decode(f, true)
	if err != nil {
		return nil, nil, nil, withFile(err, path)
	}
	st, err := train.ReadState(f, r.Params())
	if err != nil {
		return nil, nil, nil, fmt.Errorf("checkpoint %s: %w", path, err)
	}
	return r, info, st, nil
}
