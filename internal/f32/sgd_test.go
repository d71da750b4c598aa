package f32

import (
	"fmt"
	"math/rand/v2"
	"testing"
)

func TestSGDUpdate(t *testing.T) {
	rng := rand.New(rand.NewPCG(17, 18))
	forEachVariant(t, func(t *testing.T) {
		for _, n := range append(oddSizes, 1000, 70001) {
			w0, g, v0 := randSlice(rng, n), randSlice(rng, n), randSlice(rng, n)

			want := append([]float32(nil), w0...)
			SGDUpdateRef(want, g, 0.03, 2e-5)
			full, w := withGuards(n)
			copy(w, w0)
			SGDUpdate(w, g, 0.03, 2e-5)
			checkOuter(t, "SGDUpdate", full)
			sameBits(t, fmt.Sprint("SGDUpdate n=", n), w, want)

			for _, nesterov := range []bool{false, true} {
				wantW := append([]float32(nil), w0...)
				wantV := append([]float32(nil), v0...)
				MomentumUpdateRef(wantW, g, wantV, 0.05, 1e-4, 0.9, nesterov)
				fullW, w := withGuards(n)
				fullV, v := withGuards(n)
				copy(w, w0)
				copy(v, v0)
				MomentumUpdate(w, g, v, 0.05, 1e-4, 0.9, nesterov)
				name := fmt.Sprintf("MomentumUpdate n=%d nesterov=%v", n, nesterov)
				checkOuter(t, name, fullW)
				checkOuter(t, name, fullV)
				sameBits(t, name+" w", w, wantW)
				sameBits(t, name+" v", v, wantV)
			}
		}
	})
}

// TestSGDUpdateMatchesGo checks the reference against the plain Go
// expression the optimiser used before these kernels, so that a training
// run's weights do not change with them.
func TestSGDUpdateMatchesGo(t *testing.T) {
	rng := rand.New(rand.NewPCG(19, 20))
	w, g := randSlice(rng, 999), randSlice(rng, 999)
	want := append([]float32(nil), w...)
	lr, decay := float32(0.1), float32(5e-6)
	for j := range want {
		want[j] -= lr * (g[j] + decay*want[j])
	}
	SGDUpdate(w, g, lr, decay)
	sameBits(t, "SGDUpdate", w, want)
}
