package onnx

import (
	"encoding/binary"
	"fmt"
	"math"
	"strings"

	"github.com/deepnet-go/deepnet/nn"
	"github.com/deepnet-go/deepnet/onnx/internal/pb"
	"google.golang.org/protobuf/proto"
)

// form is how the tensor flowing between nodes is laid out.
type form int

const (
	formImage form = iota // [N][C][H][W]
	formFlat              // [N][C]
	formSeq               // [T][N][C]
)

// exporter builds the graph of one network, a layer at a time: cur is the
// tensor the next layer reads, of layout form.
type exporter struct {
	g      *pb.GraphProto
	cur    string
	form   form
	layer  int    // the layer being exported, from 1
	prefix string // its nodes' and tensors' names start with this
	count  int
}

// name returns a fresh tensor or node name of the current layer.
func (e *exporter) name(what string) string {
	e.count++
	return fmt.Sprintf("%s/%s_%d", e.prefix, what, e.count)
}

// node adds a node of op reading inputs and writing fresh outputs (nouts
// of them; "" in skip leaves an optional one unnamed), and returns their
// names.
func (e *exporter) node(op string, inputs []string, nouts int, attrs ...*pb.AttributeProto) []string {
	outs := make([]string, nouts)
	for i := range outs {
		outs[i] = e.name(strings.ToLower(op) + "_out")
	}
	e.g.Node = append(e.g.Node, &pb.NodeProto{OpType: proto.String(op), Name: proto.String(e.name(strings.ToLower(op))),
		Input: inputs, Output: outs, Attribute: attrs})
	return outs
}

// then adds a node of op on cur and its constant inputs, with one output,
// which becomes cur.
func (e *exporter) then(op string, consts []string, attrs ...*pb.AttributeProto) {
	e.cur = e.node(op, append([]string{e.cur}, consts...), 1, attrs...)[0]
}

// floats adds an initializer of float32 values and returns its name.
func (e *exporter) floats(what string, data []float32, dims ...int) string {
	if n := product(dims); n != len(data) {
		panic(fmt.Sprintf("onnx: initializer %s of %d values for dims %v", what, len(data), dims))
	}
	raw := make([]byte, 4*len(data))
	for i, v := range data {
		binary.LittleEndian.PutUint32(raw[4*i:], math.Float32bits(v))
	}
	name := e.name(what)
	e.g.Initializer = append(e.g.Initializer, &pb.TensorProto{Name: proto.String(name),
		DataType: proto.Int32(int32(pb.TensorProto_FLOAT)), Dims: int64s(dims), RawData: raw})
	return name
}

// ints adds an initializer of int64 values (a shape, axes) and returns its
// name.
func (e *exporter) ints(what string, v ...int64) string {
	name := e.name(what)
	e.g.Initializer = append(e.g.Initializer, &pb.TensorProto{Name: proto.String(name),
		DataType: proto.Int32(int32(pb.TensorProto_INT64)), Dims: []int64{int64(len(v))}, Int64Data: v})
	return name
}

// scalar adds a float32 initializer of no dims.
func (e *exporter) scalar(what string, v float32) string {
	name := e.name(what)
	e.g.Initializer = append(e.g.Initializer, &pb.TensorProto{Name: proto.String(name),
		DataType: proto.Int32(int32(pb.TensorProto_FLOAT)), FloatData: []float32{v}})
	return name
}

func attrInt(name string, v int64) *pb.AttributeProto {
	return &pb.AttributeProto{Name: proto.String(name), Type: pb.AttributeProto_INT.Enum(), I: proto.Int64(v)}
}

func attrInts(name string, v ...int64) *pb.AttributeProto {
	return &pb.AttributeProto{Name: proto.String(name), Type: pb.AttributeProto_INTS.Enum(), Ints: v}
}

func attrFloat(name string, v float32) *pb.AttributeProto {
	return &pb.AttributeProto{Name: proto.String(name), Type: pb.AttributeProto_FLOAT.Enum(), F: proto.Float32(v)}
}

// valueInfo describes a float32 tensor of dims, where a dim of -1 is the
// batch, named N.
func valueInfo(name string, dims ...int) *pb.ValueInfoProto {
	shape := &pb.TensorShapeProto{}
	for _, d := range dims {
		dim := &pb.TensorShapeProto_Dimension{Value: &pb.TensorShapeProto_Dimension_DimValue{DimValue: int64(d)}}
		if d < 0 {
			dim.Value = &pb.TensorShapeProto_Dimension_DimParam{DimParam: "N"}
		}
		shape.Dim = append(shape.Dim, dim)
	}
	return &pb.ValueInfoProto{Name: proto.String(name), Type: &pb.TypeProto{Value: &pb.TypeProto_TensorType{
		TensorType: &pb.TypeProto_Tensor{ElemType: proto.Int32(int32(pb.TensorProto_FLOAT)), Shape: shape}}}}
}

// dims returns the ONNX dims of a batch of s in the layout of form (-1:
// the batch).
func dims(s nn.Shape, f form) []int {
	switch f {
	case formSeq:
		return []int{s.T, -1, s.Step()}
	case formFlat:
		return []int{-1, s.Size()}
	}
	return []int{-1, s.C, s.H, s.W}
}

// param returns the layer's parameter called name ("weight"): its values.
// A layer without it is a programmer error.
func param(l nn.Layer, name string) []float32 {
	for _, p := range l.Params() {
		if strings.HasSuffix(p.Name, "."+name) {
			return p.Value.Data
		}
	}
	panic(fmt.Sprintf("onnx: layer %s has no parameter %s", l.Spec(), name))
}

func int64s(v []int) []int64 {
	out := make([]int64, len(v))
	for i, x := range v {
		out[i] = int64(x)
	}
	return out
}

func product(v []int) int {
	n := 1
	for _, x := range v {
		n *= x
	}
	return n
}
