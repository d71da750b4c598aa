package model

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/deepnet-go/deepnet/nn"
)

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
