package nn

import (
	"fmt"

	"github.com/deepnet-go/deepnet/tensor"
)

// Shape is the shape of one example as a layer sees it: C feature maps of
// H×W pixels. A flat vector of n features is {C: n, H: 1, W: 1} with Flat set.
type Shape struct {
	C, H, W int
	// Flat reports the batch layout: [N][C·H·W] when true (the output of
	// fully-connected layers), [C][N][H][W] when false (images and the output
	// of convolution and pooling).
	Flat bool
}

// Size returns the number of values of one example.
func (s Shape) Size() int { return s.C * s.H * s.W }

// String formats s as "20×12×12" or "100".
func (s Shape) String() string {
	if s.Flat {
		return fmt.Sprint(s.Size())
	}
	return fmt.Sprintf("%d×%d×%d", s.C, s.H, s.W)
}

// Param is one trainable tensor of a layer and its gradient.
type Param struct {
	// Name is the tensor's name in model files, e.g. "0.weight".
	Name  string
	Value *tensor.Tensor
	// Grad holds dCost/dValue for the last mini-batch (overwritten by
	// each Backward, not accumulated).
	Grad *tensor.Tensor
	// Decay reports whether L2 regularisation applies (weights, not biases).
	Decay bool
}

// Layer is one stage of a Network. A layer is built for an input shape and
// a largest batch size, and owns every buffer it writes, so Forward and
// Backward never allocate.
//
// Forward reads a batch of n ≤ maxBatch examples x (in the layout of the
// input Shape) and returns the layer's own output buffer, valid until the
// next Forward. Backward takes dCost/dOutput for the batch of the last
// Forward, writes the parameters' gradients and returns dCost/dInput in the
// layer's own buffer (nil when the layer was built with needInputGrad false).
type Layer interface {
	// Spec returns the layer's description, which ParseSpec reads back.
	Spec() LayerSpec
	// OutShape returns the shape of one example of the output.
	OutShape() Shape
	Forward(x []float32, n int, train bool) []float32
	Backward(gy []float32) []float32
	// Params returns the layer's trainable tensors (none for most layers).
	Params() []*Param
}

// checkBatch panics when n is outside [1, max]: a programmer error.
func checkBatch(layer string, n, max int) {
	if n < 1 || n > max {
		panic(fmt.Sprintf("nn: %s: batch of %d examples, built for 1..%d", layer, n, max))
	}
}
