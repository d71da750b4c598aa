// Package tensor holds Tensor, a float32 array with a shape, and the few
// helpers the rest of deepnet needs to create and check them.
//
// A Tensor's Data is row-major in the order of its Shape: the last index
// varies fastest. Tensors are plain values over slices; the package does no
// arithmetic, no I/O and no allocation beyond New and Clone.
package tensor

import (
	"fmt"
	"slices"
	"strings"
)

// Tensor is a float32 array of the given shape, row-major.
type Tensor struct {
	Shape []int
	Data  []float32
}

// New returns a zeroed tensor of the given shape. It panics on a negative
// dimension.
func New(shape ...int) *Tensor {
	return &Tensor{Shape: append([]int(nil), shape...), Data: make([]float32, Size(shape))}
}

// From wraps data as a tensor of the given shape without copying. It panics
// if len(data) does not equal the shape's size.
func From(data []float32, shape ...int) *Tensor {
	if n := Size(shape); n != len(data) {
		panic(fmt.Sprintf("tensor.From: %d values for shape %s (size %d)", len(data), ShapeString(shape), n))
	}
	return &Tensor{Shape: append([]int(nil), shape...), Data: data}
}

// Size returns the number of elements of a shape: the product of its
// dimensions (1 for the empty shape). It panics on a negative dimension.
func Size(shape []int) int {
	n := 1
	for _, d := range shape {
		if d < 0 {
			panic(fmt.Sprintf("tensor: negative dimension in shape %v", shape))
		}
		n *= d
	}
	return n
}

// Len returns the number of elements of t.
func (t *Tensor) Len() int { return len(t.Data) }

// Clone returns a deep copy of t.
func (t *Tensor) Clone() *Tensor {
	return &Tensor{Shape: append([]int(nil), t.Shape...), Data: append([]float32(nil), t.Data...)}
}

// SameShape reports whether a and b have equal shapes.
func SameShape(a, b []int) bool { return slices.Equal(a, b) }

// ShapeString formats a shape as "[2 3 4]".
func ShapeString(shape []int) string {
	parts := make([]string, len(shape))
	for i, d := range shape {
		parts[i] = fmt.Sprint(d)
	}
	return "[" + strings.Join(parts, " ") + "]"
}

// String formats t's shape, for messages; it does not print the data.
func (t *Tensor) String() string { return "tensor" + ShapeString(t.Shape) }
