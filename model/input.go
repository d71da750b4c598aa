package model

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/deepnet-go/deepnet/nn"
)

// parseInput reads an input shape: "CxHxW" for images (or "N" for flat
// vectors, read as N×1×1), or "seq:TxC" for sequences of T steps of C
// values.
func parseInput(s string) (nn.Shape, error) {
	if rest, ok := strings.CutPrefix(s, "seq:"); ok {
		v, err := sizes(rest, 2)
		if err != nil {
			return nn.Shape{}, fmt.Errorf("input shape %q is not seq:TxC with positive sizes", s)
		}
		return nn.Shape{C: v[1], H: 1, W: 1, Flat: true, T: v[0]}, nil
	}
	parts := strings.Split(s, "x")
	if len(parts) != 1 && len(parts) != 3 {
		return nn.Shape{}, fmt.Errorf("input shape %q is not CxHxW", s)
	}
	v, err := sizes(s, len(parts))
	if err != nil {
		return nn.Shape{}, fmt.Errorf("input shape %q is not CxHxW with positive sizes", s)
	}
	v = append(v, 1, 1)
	return nn.Shape{C: v[0], H: v[1], W: v[2]}, nil
}

// sizes reads n sizes in 1..2^20 separated by 'x'.
func sizes(s string, n int) ([]int, error) {
	parts := strings.Split(s, "x")
	if len(parts) != n {
		return nil, fmt.Errorf("%d sizes, want %d", len(parts), n)
	}
	v := make([]int, n)
	for i, p := range parts {
		k, err := strconv.Atoi(p)
		if err != nil || k < 1 || k > 1<<20 {
			return nil, fmt.Errorf("bad size %q", p)
		}
		v[i] = k
	}
	return v, nil
}

// formatInput writes an input shape as parseInput reads it.
func formatInput(s nn.Shape) string {
	if s.T > 0 {
		return fmt.Sprintf("seq:%dx%d", s.T, s.Step())
	}
	return fmt.Sprintf("%dx%dx%d", s.C, s.H, s.W)
}
