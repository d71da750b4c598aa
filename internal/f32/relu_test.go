package f32

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"
)

// reluInput is random values with zeros of both signs, infinities, a NaN
// and subnormals mixed in.
func reluInput(rng *rand.Rand, n int) []float32 {
	x := randSlice(rng, n)
	special := []float32{0, float32(math.Copysign(0, -1)), float32(math.Inf(1)), float32(math.Inf(-1)),
		float32(math.NaN()), math.SmallestNonzeroFloat32, -math.SmallestNonzeroFloat32}
	for i := range x {
		if rng.IntN(4) == 0 {
			x[i] = special[rng.IntN(len(special))]
		}
	}
	return x
}

// sameOrNaN is sameBits that lets NaN match any NaN.
func sameOrNaN(t *testing.T, what string, got, want []float32) {
	t.Helper()
	for i := range want {
		g, w := got[i], want[i]
		if g != g && w != w {
			continue
		}
		if math.Float32bits(g) != math.Float32bits(w) {
			t.Fatalf("%s: element %d = %v (%#x), want %v (%#x)", what, i, g, math.Float32bits(g), w, math.Float32bits(w))
		}
	}
}

// TestReLU checks ReLU and ReLUBackward against their Ref twins bit for
// bit, for every variant and worker count, with guards around the output.
func TestReLU(t *testing.T) {
	rng := rand.New(rand.NewPCG(41, 42))
	forEachVariant(t, func(t *testing.T) {
		for _, n := range append(oddSizes, 1000, 70001) {
			x := reluInput(rng, n)
			want := make([]float32, n)
			ReLURef(x, want)
			full, y := withGuards(n)
			ReLU(x, y)
			checkOuter(t, "ReLU", full)
			sameOrNaN(t, fmt.Sprint("ReLU n=", n), y, want)

			gy := reluInput(rng, n)
			wantG := make([]float32, n)
			ReLUBackwardRef(x, gy, wantG)
			full, gx := withGuards(n)
			ReLUBackward(x, gy, gx)
			checkOuter(t, "ReLUBackward", full)
			sameOrNaN(t, fmt.Sprint("ReLUBackward n=", n), gx, wantG)
		}
	})
	got := make([]float32, 2)
	ReLU([]float32{float32(math.Copysign(0, -1)), -3}, got)
	if math.Float32bits(got[0]) != 0 || got[1] != 0 {
		t.Errorf("ReLU(-0, -3) = %v, want +0, 0", got)
	}
}

func TestReLUNoAlloc(t *testing.T) {
	defer SetWorkers(0)
	SetWorkers(2)
	x, y, g := make([]float32, 1<<16), make([]float32, 1<<16), make([]float32, 1<<16)
	if a := testing.AllocsPerRun(5, func() { ReLU(x, y); ReLUBackward(y, x, g) }); a != 0 {
		t.Errorf("ReLU: %v allocations per call", a)
	}
}
