// Package gradcheck checks analytic gradients against central differences.
//
// The layers compute in float32, so the check perturbs float32 values but
// evaluates the cost in float64, with a step large enough (1e-2 by default)
// that float32 rounding stays well below the tolerance. Layer tests build a
// scalar cost L = Σ gy·y from a fixed random upstream gradient gy, so one
// check covers the whole Jacobian-vector product.
package gradcheck

import (
	"fmt"
	"math"
)

// Numeric returns dL/dx[i] for every i by central differences:
// (L(x+eps·e_i) - L(x-eps·e_i)) / 2eps. cost must recompute L from x; x is
// restored afterwards.
func Numeric(x []float32, eps float32, cost func() float64) []float64 {
	g := make([]float64, len(x))
	for i := range x {
		old := x[i]
		x[i] = old + eps
		plus := cost()
		x[i] = old - eps
		minus := cost()
		x[i] = old
		// The actual step, as float32 rounds old±eps.
		g[i] = (plus - minus) / (float64(old+eps) - float64(old-eps))
	}
	return g
}

// Compare returns an error naming the worst element when an analytic
// gradient differs from the numeric one by more than tol relative to
// max(|analytic|, |numeric|, floor).
func Compare(name string, analytic []float32, numeric []float64, tol, floor float64) error {
	if len(analytic) != len(numeric) {
		return fmt.Errorf("%s: %d analytic values, %d numeric", name, len(analytic), len(numeric))
	}
	worst, at := 0.0, -1
	for i, a := range analytic {
		d := math.Abs(float64(a) - numeric[i])
		scale := math.Max(math.Max(math.Abs(float64(a)), math.Abs(numeric[i])), floor)
		if r := d / scale; r > worst || math.IsNaN(r) {
			worst, at = r, i
		}
	}
	if worst > tol || math.IsNaN(worst) {
		return fmt.Errorf("%s[%d]: analytic %g, numeric %g (relative error %.2g > %.2g)",
			name, at, analytic[at], numeric[at], worst, tol)
	}
	return nil
}

// Dot returns Σ a·b in float64: the scalar cost of a layer test.
func Dot(a []float32, b []float32) float64 {
	var s float64
	for i := range a {
		s += float64(a[i]) * float64(b[i])
	}
	return s
}
