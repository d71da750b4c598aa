package model

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/deepnet-go/deepnet/nn"
	"github.com/deepnet-go/deepnet/tensor"
)

// maxBuffers is the most float32 values Decode lets the network's buffers
// take (1 GiB): a spec or input in a file can ask for any size, and a
// corrupt one must give an error, not exhaust memory.
const maxBuffers = 1 << 28

// param is one parameter tensor a spec needs.
type param struct {
	name  string
	shape []int
	layer nn.LayerSpec
}

// plan returns the parameters the network of spec on inputs in has, named
// and shaped as nn.New makes them (nn.Plan), and the float32 values its
// buffers take per example, saturating above maxBuffers so that no size
// from a file can overflow.
func plan(spec nn.Spec, in nn.Shape) ([]param, int64, error) {
	plans, err := nn.Plan(spec, in)
	if err != nil {
		return nil, 0, err
	}
	var params []param
	var floats int64
	for _, l := range plans {
		for _, p := range l.Params {
			params = append(params, param{p.Name, p.Shape, l.Spec})
		}
		floats = min(floats+min(l.Floats, maxBuffers+1), maxBuffers+1)
	}
	return params, floats, nil
}

// parseInput reads an input shape "CxHxW" (or "N" for flat vectors, read
// as N×1×1).
func parseInput(s string) (nn.Shape, error) {
	parts := strings.Split(s, "x")
	if len(parts) != 1 && len(parts) != 3 {
		return nn.Shape{}, fmt.Errorf("input shape %q is not CxHxW", s)
	}
	v := []int{1, 1, 1}
	for i, p := range parts {
		n, err := strconv.Atoi(p)
		if err != nil || n < 1 || n > 1<<20 {
			return nn.Shape{}, fmt.Errorf("input shape %q is not CxHxW with positive sizes", s)
		}
		v[i] = n
	}
	return nn.Shape{C: v[0], H: v[1], W: v[2]}, nil
}

// formatInput writes an input shape as parseInput reads it.
func formatInput(s nn.Shape) string { return fmt.Sprintf("%dx%dx%d", s.C, s.H, s.W) }

// shapeMismatch explains a tensor whose shape differs from the spec's.
func shapeMismatch(t *Tensor, p param) string {
	return fmt.Sprintf("tensor %s has shape %s, the spec %s needs %s",
		t.Name, tensor.ShapeString(t.Shape), p.layer, tensor.ShapeString(p.shape))
}
