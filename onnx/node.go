package onnx

import (
	"encoding/binary"
	"math"
	"slices"
	"strings"

	"github.com/deepnet-go/deepnet/onnx/internal/pb"
)

// node is a node of the chain as its import sees it: args are its inputs
// other than the tensor of the chain, which are constants or absent ("").
type node struct {
	*pb.NodeProto
	im   *importer
	args []string
}

// split finds the chain's tensor among the node's inputs (the first;
// either of the two of Add and Mul) and keeps the others in args, which
// must be constants.
func (n *node) split(data string) error {
	in := n.GetInput()
	at := slices.Index(in, data)
	if at != 0 && !(at == 1 && (n.GetOpType() == "Add" || n.GetOpType() == "Mul") && len(in) == 2) {
		return formatErr(n.GetName(), "%s reads the chain's tensor %q as input %d; deepnet reads it as the first", n.GetOpType(), data, at)
	}
	for i, name := range in {
		if i == at {
			continue
		}
		if name != "" && n.im.consts[name] == nil {
			return formatErr(n.GetName(), "input %d (%q) of %s is neither a constant nor the chain's tensor", i, name, n.GetOpType())
		}
		n.args = append(n.args, name)
	}
	return nil
}

// group returns the node's name up to its last "/": the module or layer
// it came from.
func (n *node) group() string {
	name := n.GetName()
	if i := strings.LastIndex(name, "/"); i > 0 {
		return name[:i]
	}
	return ""
}

// attr returns the attribute called name, or nil.
func (n *node) attr(name string) *pb.AttributeProto {
	for _, a := range n.GetAttribute() {
		if a.GetName() == name {
			return a
		}
	}
	return nil
}

// intAttr returns an integer attribute, or def when absent.
func (n *node) intAttr(name string, def int64) int64 {
	if a := n.attr(name); a != nil {
		return a.GetI()
	}
	return def
}

// intsAttr returns an ints attribute (nil when absent).
func (n *node) intsAttr(name string) []int64 { return n.attr(name).GetInts() }

// only refuses attributes other than those named.
func (n *node) only(names ...string) error {
	for _, a := range n.GetAttribute() {
		if !slices.Contains(names, a.GetName()) {
			return formatErr(n.GetName(), "%s with attribute %s: deepnet's layer has no such setting", n.GetOpType(), a.GetName())
		}
	}
	return nil
}

// arg returns the i-th constant argument ("" when absent or beyond).
func (n *node) arg(i int) string {
	if i < len(n.args) {
		return n.args[i]
	}
	return ""
}

// floats reads the constant called name as float32 values and its dims.
// The dims' product is checked against the data present before anything
// is allocated, and the values count against the importer's budget.
func (n *node) floats(name string) ([]float32, []int, error) {
	t := n.im.consts[name]
	if t == nil {
		return nil, nil, formatErr(n.GetName(), "%s needs a constant tensor here", n.GetOpType())
	}
	count, dims, err := n.dims(t)
	if err != nil {
		return nil, nil, err
	}
	if t.GetDataType() != int32(pb.TensorProto_FLOAT) {
		return nil, nil, formatErr(n.GetName(), "tensor %q has data type %d; deepnet reads float32 (1)", name, t.GetDataType())
	}
	raw, fd := t.GetRawData(), t.GetFloatData()
	if (len(raw) > 0 && int64(len(raw)) != 4*count) || (len(raw) == 0 && int64(len(fd)) != count) {
		return nil, nil, formatErr(n.GetName(), "tensor %q has dims %v but %d bytes of raw data and %d floats", name, dims, len(raw), len(fd))
	}
	if n.im.budget -= count; n.im.budget < 0 {
		return nil, nil, formatErr(n.GetName(), "tensor %q: the tensors hold more values than the file", name)
	}
	if len(raw) == 0 {
		return slices.Clone(fd), dims, nil
	}
	v := make([]float32, count)
	for i := range v {
		v[i] = math.Float32frombits(binary.LittleEndian.Uint32(raw[4*i:]))
	}
	return v, dims, nil
}

// ints reads a small constant of int64 values (a shape, axes).
func (n *node) ints(name string) ([]int64, error) {
	t := n.im.consts[name]
	if t == nil {
		return nil, formatErr(n.GetName(), "%s needs a constant tensor here", n.GetOpType())
	}
	count, _, err := n.dims(t)
	if err != nil {
		return nil, err
	}
	if t.GetDataType() != int32(pb.TensorProto_INT64) || count > 8 {
		return nil, formatErr(n.GetName(), "tensor %q: deepnet reads at most 8 int64 values here", name)
	}
	raw, id := t.GetRawData(), t.GetInt64Data()
	if len(raw) == 0 {
		if int64(len(id)) != count {
			return nil, formatErr(n.GetName(), "tensor %q has %d values for %d", name, len(id), count)
		}
		return slices.Clone(id), nil
	}
	if int64(len(raw)) != 8*count {
		return nil, formatErr(n.GetName(), "tensor %q has %d bytes of raw data for %d int64 values", name, len(raw), count)
	}
	v := make([]int64, count)
	for i := range v {
		v[i] = int64(binary.LittleEndian.Uint64(raw[8*i:]))
	}
	return v, nil
}

// dims checks a constant's dims and returns the number of its values.
func (n *node) dims(t *pb.TensorProto) (int64, []int, error) {
	if t.GetDataLocation() == pb.TensorProto_EXTERNAL || len(t.GetExternalData()) > 0 {
		return 0, nil, formatErr(n.GetName(), "tensor %q is stored outside the file; deepnet reads tensors inside it", t.GetName())
	}
	if len(t.GetDims()) > 8 {
		return 0, nil, formatErr(n.GetName(), "tensor %q has %d dimensions", t.GetName(), len(t.GetDims()))
	}
	count := int64(1)
	dims := make([]int, len(t.GetDims()))
	for i, d := range t.GetDims() {
		if d < 0 || d > maxDim || count*d > 1<<31 {
			return 0, nil, formatErr(n.GetName(), "tensor %q has dims %v", t.GetName(), t.GetDims())
		}
		count *= d
		dims[i] = int(d)
	}
	return count, dims, nil
}
