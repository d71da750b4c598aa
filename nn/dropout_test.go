package nn

import (
	"math"
	"testing"
)

// TestDropoutKeepsOneMinusP checks the fraction of kept values, their
// scale 1/(1-p), that the mean is preserved, that inference is the identity
// and that the gradient uses the same mask.
func TestDropoutKeepsOneMinusP(t *testing.T) {
	for _, p := range []float64{0.1, 0.5, 0.8} {
		in := Shape{C: 1000, H: 1, W: 1, Flat: true}
		l := NewDropout(LayerSpec{Kind: Dropout, P: p}, in, 20, 1, 2)
		x := make([]float32, 20000)
		for i := range x {
			x[i] = 1
		}
		y := l.Forward(x, 20, true)
		kept, sum := 0, 0.0
		for _, v := range y {
			if v != 0 {
				kept++
				if math.Abs(float64(v)-1/(1-p)) > 1e-5 {
					t.Fatalf("p=%v: kept value %v, want %v", p, v, 1/(1-p))
				}
			}
			sum += float64(v)
		}
		frac := float64(kept) / float64(len(y))
		if math.Abs(frac-(1-p)) > 0.015 || math.Abs(sum/float64(len(y))-1) > 0.05 {
			t.Errorf("p=%v: kept %.3f, mean %.3f", p, frac, sum/float64(len(y)))
		}
		gx := l.Backward(x)
		for i := range gx {
			if gx[i] != y[i] {
				t.Fatalf("gradient mask differs from the forward mask at %d", i)
			}
		}
		if z := l.Forward(x, 20, false); &z[0] != &x[0] {
			t.Errorf("inference does not pass the input through")
		}
	}
}
