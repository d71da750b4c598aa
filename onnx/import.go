package onnx

import (
	"slices"

	"github.com/deepnet-go/deepnet/nn"
	"github.com/deepnet-go/deepnet/onnx/internal/pb"
	"google.golang.org/protobuf/proto"
)

// MaxFile is the largest ONNX file Decode reads: protobuf's own limit.
const MaxFile = 2<<30 - 1

// Options tunes Decode.
type Options struct {
	// MaxBatch is the largest batch of the network built (100 when 0).
	MaxBatch int
	// MaxMemory bounds the network's memory, as nn.Config.MaxMemory (0:
	// nn.DefaultMaxMemory); a larger one is refused before it is built.
	MaxMemory int64
}

// Model is what Decode reads: the network and the file's metadata_props
// (a deepnet export's model-file metadata: spec, input, init, seed,
// training...).
type Model struct {
	Net      *nn.Network
	Metadata map[string]string
}

// Decode reads an ONNX model whose graph is a chain of the operators of
// the table of kinds, from one float32 input to one output, into a
// network. The network's seed and initialisation are the metadata's seed
// and init when present. An operator outside the table is an
// *UnsupportedError; anything else wrong is a *FormatError.
func Decode(data []byte, opts Options) (*Model, error) {
	if len(data) > MaxFile {
		return nil, formatErr("", "file of %d bytes; at most %d", len(data), MaxFile)
	}
	var m pb.ModelProto
	if err := proto.Unmarshal(data, &m); err != nil {
		return nil, &FormatError{Reason: "not an ONNX model: " + err.Error(), Err: err}
	}
	opset, err := checkOpset(&m)
	if err != nil {
		return nil, err
	}
	g := m.GetGraph()
	if g == nil {
		return nil, formatErr("", "the model has no graph")
	}
	im := &importer{consts: map[string]*pb.TensorProto{}, budget: int64(len(data))/4 + 1, softmaxAxis: -1}
	if opset < 13 {
		im.softmaxAxis = 1
	}
	for _, t := range g.GetInitializer() {
		im.consts[t.GetName()] = t
	}
	in, err := im.input(g)
	if err != nil {
		return nil, err
	}
	if err := im.walk(g, in); err != nil {
		return nil, err
	}
	net, err := im.build(opts, m.GetMetadataProps())
	if err != nil {
		return nil, err
	}
	md := make(map[string]string, len(m.GetMetadataProps()))
	for _, p := range m.GetMetadataProps() {
		md[p.GetKey()] = p.GetValue()
	}
	return &Model{Net: net, Metadata: md}, nil
}

// checkOpset accepts models of the default domain's opsets 9 to 21, and
// returns the version.
func checkOpset(m *pb.ModelProto) (int64, error) {
	for _, o := range m.GetOpsetImport() {
		if d := o.GetDomain(); d != "" && d != "ai.onnx" {
			continue // nodes of another domain are refused one by one
		}
		if v := o.GetVersion(); v < 9 || v > 21 {
			return 0, formatErr("", "opset %d of the default domain; deepnet reads 9 to 21", v)
		}
		return o.GetVersion(), nil
	}
	return 0, formatErr("", "the model imports no opset of the default domain")
}

// input reads the graph's one input that is not an initializer: its name,
// and sets im.shape from its dims, [N][C][H][W], [N][C] or [T][N][C].
func (im *importer) input(g *pb.GraphProto) (string, error) {
	var ins []*pb.ValueInfoProto
	for _, v := range g.GetInput() {
		if im.consts[v.GetName()] == nil {
			ins = append(ins, v)
		}
	}
	if len(ins) != 1 || len(g.GetOutput()) != 1 {
		return "", formatErr("", "the graph has %d inputs (besides initializers) and %d outputs; deepnet reads one of each", len(ins), len(g.GetOutput()))
	}
	tt := ins[0].GetType().GetTensorType()
	if tt == nil || tt.GetElemType() != int32(pb.TensorProto_FLOAT) {
		return "", formatErr("", "input %q is not a float32 tensor", ins[0].GetName())
	}
	var d []int
	for i, dim := range tt.GetShape().GetDim() {
		v := dim.GetDimValue()
		batch := i == 0 || (i == 1 && len(tt.GetShape().GetDim()) == 3)
		if !batch && (v < 1 || v > maxDim) {
			return "", formatErr("", "input %q: dimension %d is %d; deepnet needs sizes 1..%d but for the batch", ins[0].GetName(), i, v, maxDim)
		}
		d = append(d, int(v))
	}
	switch len(d) {
	case 4:
		im.shape = nn.Shape{C: d[1], H: d[2], W: d[3]}
	case 2:
		im.shape = nn.Shape{C: d[1], H: 1, W: 1, Flat: true}
	case 3:
		im.shape = nn.Shape{C: d[2], H: 1, W: 1, Flat: true, T: d[0]}
	default:
		return "", formatErr("", "input %q has %d dimensions; deepnet reads [N][C][H][W], [N][C] or [T][N][C]", ins[0].GetName(), len(d))
	}
	im.in = im.shape
	return ins[0].GetName(), nil
}

// walk follows the chain of nodes from the input to the output, importing
// each through the table of kinds.
func (im *importer) walk(g *pb.GraphProto, input string) error {
	consumers := map[string][]int{}
	for i, n := range g.GetNode() {
		if n.GetOpType() == "Constant" && n.GetDomain() == "" {
			if err := im.constant(n); err != nil {
				return err
			}
			continue
		}
		for _, name := range n.GetInput() {
			if name != "" && im.consts[name] == nil && !slices.Contains(consumers[name], i) {
				consumers[name] = append(consumers[name], i)
			}
		}
	}
	visited := make([]bool, len(g.GetNode()))
	live := []string{input}
	for {
		next, from := -1, 0
		for i, name := range live {
			for _, c := range consumers[name] {
				if next >= 0 && c != next {
					return formatErr(g.GetNode()[c].GetName(), "the graph branches at %q (read by %q too); deepnet reads chains of nodes", name, g.GetNode()[next].GetName())
				}
				next, from = c, i
			}
		}
		if next < 0 {
			break
		}
		if visited[next] {
			return formatErr(g.GetNode()[next].GetName(), "the graph has a cycle")
		}
		visited[next] = true
		n := &node{NodeProto: g.GetNode()[next], im: im}
		if err := n.split(live[from]); err != nil {
			return err
		}
		im.from = from
		if err := im.node(n); err != nil {
			return err
		}
		live = n.GetOutput()
	}
	out := g.GetOutput()[0].GetName()
	if !slices.Contains(live, out) {
		return formatErr("", "the chain from the input ends at %v, not at the graph's output %q", live, out)
	}
	for i, n := range g.GetNode() {
		if !visited[i] && n.GetOpType() != "Constant" {
			return formatErr(n.GetName(), "%s is not on the chain from the input to the output", n.GetOpType())
		}
	}
	if im.pending != pendNone && im.pending != pendBias {
		return formatErr("", "the graph ends inside a layer (%s)", im.pending)
	}
	if len(im.layers) == 0 {
		return formatErr("", "the graph has no layers")
	}
	return nil
}

// node imports one node through the operator's entry in the table.
func (im *importer) node(n *node) error {
	if d := n.GetDomain(); d != "" && d != "ai.onnx" {
		return &UnsupportedError{Op: d + "." + n.GetOpType(), Node: n.GetName()}
	}
	if n.GetOpType() == "Identity" {
		return nil
	}
	f, ok := opTable()[n.GetOpType()]
	if !ok {
		return &UnsupportedError{Op: n.GetOpType(), Node: n.GetName()}
	}
	switch {
	case im.pending == pendBias && n.GetOpType() != "Add":
		im.pending = pendNone
	case im.pending == pendReshape && n.GetOpType() != "Transpose",
		im.pending == pendRecurrent && n.GetOpType() != "Squeeze":
		return formatErr(n.GetName(), "%s after %s", n.GetOpType(), im.pending)
	}
	return f(im, n)
}

// constant records a Constant node's tensor as a constant.
func (im *importer) constant(n *pb.NodeProto) error {
	if len(n.GetOutput()) != 1 || len(n.GetAttribute()) != 1 || n.GetAttribute()[0].GetName() != "value" || n.GetAttribute()[0].GetT() == nil {
		return formatErr(n.GetName(), "a Constant deepnet reads has one output and a tensor attribute value")
	}
	im.consts[n.GetOutput()[0]] = n.GetAttribute()[0].GetT()
	return nil
}

// maxDim bounds every dimension Decode reads, as nn bounds sizes.
const maxDim = 1 << 20

func (p pending) String() string {
	return [...]string{"none", "a Reshape not followed by its Transpose", "a recurrent node whose output is not squeezed", "bias"}[p]
}
