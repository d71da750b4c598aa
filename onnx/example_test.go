package onnx_test

import (
	"errors"
	"fmt"

	"github.com/deepnet-go/deepnet/nn"
	"github.com/deepnet-go/deepnet/onnx"
)

// A network goes to ONNX and back with its spec, weights and metadata.
func Example() {
	spec, _ := nn.ParseSpec("conv:20x5x5 maxpool:2 relu fc:100:relu softmax:10")
	net, _ := nn.New(nn.Config{Spec: spec, In: nn.Shape{C: 1, H: 28, W: 28}, MaxBatch: 1, Seed: 1})
	b, err := onnx.Encode(net, map[string]string{"spec": net.Spec.String()})
	if err != nil {
		fmt.Println(err)
		return
	}
	m, err := onnx.Decode(b, onnx.Options{})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(m.Net.Spec, "on", m.Net.In)
	fmt.Println(m.Metadata["spec"])
	// Output:
	// conv:20x5x5 maxpool:2 relu fc:100 relu softmax:10 on 1×28×28
	// conv:20x5x5 maxpool:2 relu fc:100 relu softmax:10
}

// A layer kind ONNX has no operator for is an *UnsupportedError.
func ExampleEncode_unsupported() {
	spec, _ := nn.ParseSpec("embed:256x8 lstm:16:seq softmax:256")
	net, _ := nn.New(nn.Config{Spec: spec, In: nn.Shape{C: 1, H: 1, W: 1, Flat: true, T: 10}, MaxBatch: 1})
	_, err := onnx.Encode(net, nil)
	var ue *onnx.UnsupportedError
	fmt.Println(errors.As(err, &ue), ue.Kind, ue.Layer)
	// Output: true embed 1
}
