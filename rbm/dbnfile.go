package rbm

import (
	"encoding/json"
	"fmt"
	"strconv"

	"github.com/deepnet-go/deepnet/model"
	"github.com/deepnet-go/deepnet/nn"
)

// Metadata keys of a DBN's file, beside its RBMs' sizes (prefixed "i.").
const (
	keyLayers  = "layers"         // the number of RBMs
	keyInput   = "input"          // "CxHxW", as a network's file has it
	keyTrained = "trained_layers" // DBN.Trained
)

// EncodeDBN returns the model file of d: the tensors of its RBMs ("0.W",
// "0.vbias", "0.hbias", "1.W"...; aliasing d's parameters), and metadata
// with the format, the kind "dbn", the number of RBMs, the sizes of each
// ("0.visible", "0.hidden", "0.visible_units", "0.labels"), the input
// shape, the number trained, the seed and info.
func EncodeDBN(d *DBN, info model.Info) (*model.File, error) {
	training, err := json.Marshal(info)
	if err != nil {
		return nil, fmt.Errorf("rbm: training info: %v", err)
	}
	f := &model.File{Metadata: map[string]string{
		"format":         model.Format,
		"format_version": model.FormatVersion,
		model.KindKey:    KindDBN,
		keyLayers:        strconv.Itoa(len(d.RBMs)),
		keyInput:         fmt.Sprintf("%dx%dx%d", d.In.C, d.In.H, d.In.W),
		keyTrained:       strconv.Itoa(d.Trained),
		"seed":           strconv.FormatUint(d.Seed, 10),
		"training":       string(training),
	}}
	for i, r := range d.RBMs {
		r.encode(f, fmt.Sprintf("%d.", i))
	}
	return f, nil
}

// DecodeDBN returns the DBN of a model file EncodeDBN wrote, and its
// training info. A file that is not one is a *model.FormatError saying
// what is wrong (one of another kind wraps a *model.KindError): RBMs
// whose sizes do not stack, labels or Gaussian units where a DBN has
// none, an input shape of another size, values that are not finite,
// tensors of no RBM.
func DecodeDBN(f *model.File) (*DBN, *model.Info, error) {
	if err := checkFormat(f, KindDBN); err != nil {
		return nil, nil, err
	}
	md := f.Metadata
	n, err := strconv.Atoi(md[keyLayers])
	if err != nil || n < 1 || n > maxLayers {
		return nil, nil, formatErr("metadata %s %q: want 1..%d RBMs", keyLayers, md[keyLayers], maxLayers)
	}
	d := &DBN{}
	if d.Seed, err = strconv.ParseUint(md["seed"], 10, 64); err != nil {
		return nil, nil, formatErr("metadata seed %q is not an unsigned integer", md["seed"])
	}
	if d.Trained, err = strconv.Atoi(md[keyTrained]); err != nil || d.Trained < 0 || d.Trained > n {
		return nil, nil, formatErr("metadata %s %q: want 0..%d", keyTrained, md[keyTrained], n)
	}
	var c, h, w int
	if _, err := fmt.Sscanf(md[keyInput], "%dx%dx%d", &c, &h, &w); err != nil || fmt.Sprintf("%dx%dx%d", c, h, w) != md[keyInput] {
		return nil, nil, formatErr("metadata %s %q is not CxHxW", keyInput, md[keyInput])
	}
	d.In = nn.Shape{C: c, H: h, W: w}
	for i := range n {
		r, err := decodeRBM(f, fmt.Sprintf("%d.", i), fmt.Sprintf("%d.", i))
		if err != nil {
			return nil, nil, err
		}
		r.Seed = mix(d.Seed ^ mix(uint64(i)))
		below := 0
		if i > 0 {
			below = d.RBMs[i-1].Hidden
		}
		switch {
		case r.Labels > 0 && i < n-1:
			return nil, nil, formatErr("RBM %d of %d has label units: only the top one may", i+1, n)
		case r.Gaussian && i > 0:
			return nil, nil, formatErr("RBM %d has Gaussian visible units: only the bottom one may", i+1)
		case i > 0 && r.binary() != below:
			return nil, nil, formatErr("RBM %d has %d visible units (labels aside) on the %d hidden units of RBM %d", i+1, r.binary(), below, i)
		}
		d.RBMs = append(d.RBMs, r)
		d.Sizes = append(d.Sizes, r.binary())
	}
	top := d.Top()
	d.Sizes = append(d.Sizes, top.Hidden)
	d.Labels, d.Gaussian = top.Labels, d.RBMs[0].Gaussian
	if d.In.Size() != d.Sizes[0] || c < 1 || h < 1 || w < 1 {
		return nil, nil, formatErr("metadata %s %s for %d visible units", keyInput, md[keyInput], d.Sizes[0])
	}
	if len(f.Tensors) != 3*n {
		return nil, nil, unknownTensor(f, d.Params())
	}
	info, err := model.DecodeInfo(f)
	return d, info, err
}

// SaveDBN writes d and info to path as a model file (EncodeDBN),
// atomically.
func SaveDBN(path string, d *DBN, info model.Info) error {
	f, err := EncodeDBN(d, info)
	if err != nil {
		return err
	}
	return model.WriteFileAtomic(path, f)
}

// LoadDBN reads the DBN a model file at path holds (DecodeDBN). It never
// panics on a bad file.
func LoadDBN(path string) (*DBN, *model.Info, error) {
	f, err := readFile(path)
	if err != nil {
		return nil, nil, err
	}
	d, info, err := DecodeDBN(f)
	return d, info, withFile(err, path)
}
