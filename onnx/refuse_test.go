package onnx

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/deepnet-go/deepnet/onnx/internal/pb"
	"google.golang.org/protobuf/proto"
)

// torchModel returns testdata/torch_mnist.onnx, parsed.
func torchModel(t *testing.T) *pb.ModelProto {
	b, err := os.ReadFile(filepath.Join("testdata", "torch_mnist.onnx"))
	if err != nil {
		t.Fatal(err)
	}
	var m pb.ModelProto
	if err := proto.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	return &m
}

func decodeModel(t *testing.T, m *pb.ModelProto) error {
	b, err := proto.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	_, err = Decode(b, Options{})
	return err
}

// TestImportRefuses: an operator outside the table is an
// *UnsupportedError naming it; settings deepnet's layers lack, graphs
// that are not chains and malformed files are *FormatErrors saying what.
func TestImportRefuses(t *testing.T) {
	m := torchModel(t)
	m.Graph.Node[2].OpType = proto.String("Elu")
	err := decodeModel(t, m)
	var ue *UnsupportedError
	if !errors.As(err, &ue) || ue.Op != "Elu" || ue.Node != "/2/Relu" || !strings.Contains(err.Error(), "Elu") {
		t.Errorf("Elu: %v", err)
	}

	cases := []struct {
		name, want string
		change     func(m *pb.ModelProto)
	}{
		{"pads", "pads", func(m *pb.ModelProto) {
			for _, a := range m.Graph.Node[0].Attribute {
				if a.GetName() == "pads" {
					a.Ints = []int64{1, 1, 1, 1}
				}
			}
		}},
		{"branch", "branches", func(m *pb.ModelProto) { m.Graph.Node[4].Input[0] = m.Graph.Node[1].Output[0] }},
		{"dims", "dims", func(m *pb.ModelProto) {
			for _, t := range m.Graph.Initializer {
				if t.GetName() == "7.weight" {
					t.Dims = []int64{1 << 20, 1 << 20}
				}
			}
		}},
		{"opset", "opset", func(m *pb.ModelProto) { m.OpsetImport[0].Version = proto.Int64(99) }},
		{"softmax", "Softmax", func(m *pb.ModelProto) { m.Graph.Node[5].OpType = proto.String("Softmax") }},
	}
	for _, c := range cases {
		m := torchModel(t)
		c.change(m)
		err := decodeModel(t, m)
		var fe *FormatError
		if !errors.As(err, &fe) || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: %v, want a *FormatError about %s", c.name, err, c.want)
		}
		t.Logf("%s: %v", c.name, err)
	}

	b, _ := os.ReadFile(filepath.Join("testdata", "torch_mnist.onnx"))
	if _, err := Decode(b[:len(b)/2], Options{}); err == nil {
		t.Error("a truncated file decodes")
	}
}
