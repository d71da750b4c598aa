package onnx

import (
	"fmt"
	"slices"

	"github.com/deepnet-go/deepnet/nn"
	"github.com/deepnet-go/deepnet/onnx/internal/pb"
	"google.golang.org/protobuf/proto"
)

// Versions of what Encode writes: ONNX's IR version 8 (ONNX 1.10 to 1.12)
// and opset 13 of the default domain.
const (
	IRVersion = 8
	Opset     = 13
)

// Names of the graph's input and output.
const (
	InputName  = "input"
	OutputName = "output"
)

// Encode returns net as an ONNX model: a graph from InputName, a batch of
// net's input ([N][C][H][W] for images, [T][N][C] for sequences), to
// OutputName, net's output at inference (train false), and metadata as the
// model's metadata_props. A layer of a kind ONNX has no operator for is an
// *UnsupportedError naming it.
func Encode(net *nn.Network, metadata map[string]string) ([]byte, error) {
	m, err := encodeModel(net, metadata)
	if err != nil {
		return nil, err
	}
	return proto.MarshalOptions{Deterministic: true}.Marshal(m)
}

// encodeModel builds the ModelProto of net.
func encodeModel(net *nn.Network, metadata map[string]string) (*pb.ModelProto, error) {
	e := &exporter{g: &pb.GraphProto{Name: proto.String("deepnet")}, cur: InputName, form: formOf(net.In)}
	e.g.Input = []*pb.ValueInfoProto{valueInfo(InputName, dims(net.In, e.form)...)}
	for i, l := range net.Layers {
		e.layer, e.prefix = i+1, fmt.Sprintf("layer%d", i+1)
		k, ok := kinds[l.Spec().Kind()]
		if !ok || k.export == nil {
			return nil, &UnsupportedError{Kind: l.Spec().Kind(), Layer: i + 1}
		}
		if err := k.export(e, l); err != nil {
			return nil, err
		}
	}
	// The last node writes the graph's output.
	out := net.OutShape()
	e.prefix = "output"
	e.then("Identity", nil)
	e.g.Node[len(e.g.Node)-1].Output[0] = OutputName
	e.g.Output = []*pb.ValueInfoProto{valueInfo(OutputName, dims(out, e.form)...)}

	m := &pb.ModelProto{
		IrVersion:       proto.Int64(IRVersion),
		OpsetImport:     []*pb.OperatorSetIdProto{{Domain: proto.String(""), Version: proto.Int64(Opset)}},
		ProducerName:    proto.String("deepnet"),
		ProducerVersion: proto.String("1"),
		DocString:       proto.String("deepnet network " + net.Spec.String() + " on input " + net.In.String()),
		Graph:           e.g,
	}
	keys := make([]string, 0, len(metadata))
	for k := range metadata {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		m.MetadataProps = append(m.MetadataProps, &pb.StringStringEntryProto{Key: proto.String(k), Value: proto.String(metadata[k])})
	}
	return m, nil
}

// formOf returns the layout of a batch of s.
func formOf(s nn.Shape) form {
	switch {
	case s.T > 0:
		return formSeq
	case s.Flat:
		return formFlat
	}
	return formImage
}
