package onnx

import (
	"strconv"

	"github.com/deepnet-go/deepnet/nn"
	"github.com/deepnet-go/deepnet/onnx/internal/pb"
)

// pending is a layer that one node began and a later one completes.
type pending int

const (
	pendNone      pending = iota
	pendReshape           // Reshape to [N][T][step], awaiting the Transpose to [T][N][step]
	pendRecurrent         // a recurrent node, awaiting the Squeeze that says which output it gives
	pendBias              // MatMul: an Add may give the fully-connected layer's bias
)

// importer is the state of Decode along the chain: the layers so far, and
// the shape and layout of the tensor the next node reads.
type importer struct {
	consts map[string]*pb.TensorProto
	budget int64 // float32 values the constants may still take
	layers []*layer
	in     nn.Shape // the network's input
	// shape is the deepnet shape after the last layer; flattened says
	// that the ONNX tensor is that image flattened to [N][C·H·W].
	shape     nn.Shape
	flattened bool
	pending   pending
	reshape   nn.LayerSpec // pendReshape: rows or pixels
	from      int          // which output of the node before the current one it reads
	// softmaxAxis is Softmax's default axis in the file's opset.
	softmaxAxis int64
}

// layer is one imported layer: its spec, the shape it reads, its
// parameters by name within the layer ("weight", "weight_ih_l0") and the
// name prefix of its nodes (stacked recurrent nodes share one).
type layer struct {
	spec   nn.LayerSpec
	in     nn.Shape
	params map[string][]float32
	group  string
}

// add appends a layer of spec on the current shape, and plans it.
func (im *importer) add(n *node, spec nn.LayerSpec, params map[string][]float32) error {
	l := &layer{spec: spec, in: im.shape, params: params, group: n.group()}
	im.layers = append(im.layers, l)
	return im.plan(n, l)
}

// plan works out the shape after l (the last layer).
func (im *importer) plan(n *node, l *layer) error {
	if err := l.spec.Validate(); err != nil {
		return formatErr(n.GetName(), "%s: %v", l.spec, err)
	}
	p, err := l.spec.Plan(l.in)
	if err != nil {
		return formatErr(n.GetName(), "%v", err)
	}
	im.shape, im.flattened = p.Out, false
	return nil
}

// last returns the last layer, or nil.
func (im *importer) last() *layer {
	if len(im.layers) == 0 {
		return nil
	}
	return im.layers[len(im.layers)-1]
}

// form returns the layout of the tensor the next node reads.
func (im *importer) form() form {
	switch {
	case im.shape.T > 0:
		return formSeq
	case im.shape.Flat || im.flattened:
		return formFlat
	}
	return formImage
}

// need reports, as an error about n, a layout other than want.
func (im *importer) need(n *node, want ...form) error {
	f := im.form()
	for _, w := range want {
		if f == w {
			return nil
		}
	}
	names := [...]string{"[N][C][H][W] images", "[N][C] vectors", "[T][N][C] sequences"}
	return formatErr(n.GetName(), "%s reads %s here; deepnet's layer needs %s", n.GetOpType(), names[f], names[want[0]])
}

// build checks the layers' parameters against the plan of their spec,
// then builds the network and copies them in.
func (im *importer) build(opts Options, props []*pb.StringStringEntryProto) (*nn.Network, error) {
	spec := make(nn.Spec, len(im.layers))
	for i, l := range im.layers {
		spec[i] = l.spec
	}
	plans, err := nn.Plan(spec, im.in)
	if err != nil {
		return nil, &FormatError{Reason: "the layers do not fit: " + err.Error(), Err: err}
	}
	for i, p := range plans {
		prefix := strconv.Itoa(i) + "."
		if len(p.Params) != len(im.layers[i].params) {
			return nil, formatErr("", "layer %d (%s) has %d tensors; it needs %d", i+1, spec[i], len(im.layers[i].params), len(p.Params))
		}
		for _, pp := range p.Params {
			v, ok := im.layers[i].params[pp.Name[len(prefix):]]
			if !ok || int64(len(v)) != pp.Len() {
				return nil, formatErr("", "layer %d (%s): tensor %s has %d values; the layer needs %v", i+1, spec[i], pp.Name, len(v), pp.Shape)
			}
		}
	}
	cfg := nn.Config{Spec: spec, In: im.in, MaxBatch: opts.MaxBatch, MaxMemory: opts.MaxMemory, Init: nn.InitNetwork3}
	if cfg.MaxBatch == 0 {
		cfg.MaxBatch = 100
	}
	for _, p := range props {
		switch p.GetKey() {
		case "seed":
			if s, err := strconv.ParseUint(p.GetValue(), 10, 64); err == nil {
				cfg.Seed = s
			}
		case "init":
			if s, err := nn.ParseInit(p.GetValue()); err == nil {
				cfg.Init = s
			}
		}
	}
	if err := nn.CheckMemory("the network", nn.MemoryOf(plans, cfg.MaxBatch).Total(), cfg.MaxMemory); err != nil {
		return nil, &FormatError{Reason: err.Error(), Err: err}
	}
	net, err := nn.New(cfg)
	if err != nil {
		return nil, &FormatError{Reason: err.Error(), Err: err}
	}
	for i, l := range net.Layers {
		prefix := strconv.Itoa(i) + "."
		for _, p := range l.Params() {
			copy(p.Value.Data, im.layers[i].params[p.Name[len(prefix):]])
		}
	}
	return net, nil
}
