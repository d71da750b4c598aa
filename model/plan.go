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
// and shaped as nn.New makes them, and an upper estimate of the float32
// values its buffers take per example. It follows nn's shape rules without
// allocating, so that a file's spec can be checked before nn.New builds it.
func plan(spec nn.Spec, in nn.Shape) ([]param, int64, error) {
	var params []param
	var floats int64
	s := in
	s.Flat = false
	for i, l := range spec {
		name := strconv.Itoa(i)
		size := int64(s.Size())
		switch l.Kind {
		case nn.Conv, nn.MaxPool, nn.L2Pool, nn.AvgPool:
			if s.Flat {
				return nil, 0, fmt.Errorf("layer %d %s: input is a flat vector of %d, not images", i+1, l, s.Size())
			}
			if s.H < l.KH || s.W < l.KW {
				return nil, 0, fmt.Errorf("layer %d %s: input %s is smaller than %dx%d", i+1, l, s, l.KH, l.KW)
			}
			if l.Kind != nn.Conv {
				s = nn.Shape{C: s.C, H: s.H / l.KH, W: s.W / l.KW}
				floats = sat(floats, size, 2, int64(s.Size()))
				continue
			}
			stride := max(l.Stride, 1)
			out := nn.Shape{C: l.N, H: (s.H-l.KH)/stride + 1, W: (s.W-l.KW)/stride + 1}
			col := sat(0, int64(s.C)*int64(l.KH*l.KW), int64(out.H)*int64(out.W), 0)
			floats = sat(sat(floats, size, 1, int64(out.Size())), col, 1, 0)
			params = append(params,
				param{name + ".weight", []int{l.N, s.C, l.KH, l.KW}, l},
				param{name + ".bias", []int{l.N}, l})
			s = out
		case nn.FC, nn.Softmax:
			params = append(params,
				param{name + ".weight", []int{l.N, s.Size()}, l},
				param{name + ".bias", []int{l.N}, l})
			s = nn.Shape{C: l.N, H: 1, W: 1, Flat: true}
			floats = sat(floats, size, 3, 3*int64(l.N))
		case "batchnorm": // a string, not nn.BatchNorm, to build with nn before it had one
			c := s.C
			if s.Flat {
				c = s.Size()
			}
			for _, suffix := range []string{".weight", ".bias", ".running_mean", ".running_var"} {
				params = append(params, param{name + suffix, []int{c}, l})
			}
			floats = sat(floats, size, 3, 0)
		default:
			// Activations and dropout keep the shape and have no
			// parameters. A kind added to nn after this code is
			// assumed to do the same; Decode then checks the tensors
			// against the network nn.New builds.
			floats = sat(floats, size, 3, 0)
		}
	}
	return params, floats, nil
}

// sat returns acc + a·b + c, saturating at maxBuffers+1 so that no product
// of sizes from a file can overflow.
func sat(acc, a, b, c int64) int64 {
	const limit = maxBuffers + 1
	if a != 0 && b > limit/a {
		return limit
	}
	return min(acc+a*b+c, limit)
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
