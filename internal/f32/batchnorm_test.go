package f32

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"
)

// bnValues returns n random values in (-s, s) with some exact zeros,
// negative zeros and repeated values mixed in.
func bnValues(rng *rand.Rand, n int, s float32) []float32 {
	v := make([]float32, n)
	for i := range v {
		switch rng.IntN(16) {
		case 0:
			v[i] = 0
		case 1:
			v[i] = float32(math.Copysign(0, -1))
		case 2:
			v[i] = 1
		default:
			v[i] = (rng.Float32()*2 - 1) * s
		}
	}
	return v
}

// guardedCopy returns v inside guard values (for a kernel's inputs: a read
// past the end poisons the result).
func guardedCopy(v []float32) (full, inner []float32) {
	full, inner = withGuards(len(v))
	copy(inner, v)
	return full, inner
}

func sameBits64(t *testing.T, what string, got, want float64) {
	t.Helper()
	if math.Float64bits(got) != math.Float64bits(want) {
		t.Fatalf("%s = %v, want %v", what, got, want)
	}
}

var bnSizes = append(append([]int(nil), oddSizes...), 96, 127, 128, 129, 1000, 4096, 36864+17)

// TestBatchNormSums checks BatchNormSums against BatchNormSumsRef bit for
// bit (with b = a and b ≠ a), and the Ref against a plain float64 sum.
func TestBatchNormSums(t *testing.T) {
	rng := rand.New(rand.NewPCG(41, 42))
	forEachVariant(t, func(t *testing.T) {
		for _, n := range bnSizes {
			_, a := guardedCopy(bnValues(rng, n, 3))
			_, b := guardedCopy(bnValues(rng, n, 2))
			wa, wab := BatchNormSumsRef(a, b)
			ga, gab := BatchNormSums(a, b)
			sameBits64(t, fmt.Sprint("BatchNormSums Σa n=", n), ga, wa)
			sameBits64(t, fmt.Sprint("BatchNormSums Σab n=", n), gab, wab)
			wa, waa := BatchNormSumsRef(a, a)
			ga, gaa := BatchNormSums(a, a)
			sameBits64(t, fmt.Sprint("BatchNormSums(a, a) Σa n=", n), ga, wa)
			sameBits64(t, fmt.Sprint("BatchNormSums(a, a) Σa² n=", n), gaa, waa)

			var ea, eab, eaa float64
			for i := range a {
				ea += float64(a[i])
				eab += float64(a[i]) * float64(b[i])
				eaa += float64(a[i]) * float64(a[i])
			}
			for _, c := range [][2]float64{{wa, ea}, {wab, eab}, {waa, eaa}} {
				if math.Abs(c[0]-c[1]) > 1e-12*max(1, float64(n)) {
					t.Fatalf("BatchNormSumsRef n=%d: %v, plain sum %v", n, c[0], c[1])
				}
			}
		}
	})
}

// colsCases are m, n, ld of the column kernels.
var colsCases = [][3]int{{1, 1, 1}, {4, 5, 5}, {3, 7, 9}, {2, 8, 8}, {5, 15, 16}, {3, 16, 17}, {2, 17, 17}, {7, 33, 40}, {64, 512, 512}, {10, 30, 30}, {3, 100, 131}, {1, 0, 3}, {0, 5, 5}}

// TestBatchNormSumsCols checks BatchNormSumsCols against
// BatchNormSumsColsRef bit for bit, sums added to existing values, and
// that nothing past column n is read or written.
func TestBatchNormSumsCols(t *testing.T) {
	rng := rand.New(rand.NewPCG(43, 44))
	forEachVariant(t, func(t *testing.T) {
		for _, c := range colsCases {
			m, n, ld := c[0], c[1], c[2]
			_, a := guarded(rng, m, n, ld, 32, false)
			_, b := guarded(rng, m, n, ld, 32, false)
			s0, q0 := make([]float64, n+9), make([]float64, n+9)
			for i := range s0 {
				s0[i], q0[i] = rng.Float64()-0.5, math.NaN()
			}
			ws, wq := append([]float64(nil), s0...), append([]float64(nil), q0...)
			gs, gq := append([]float64(nil), s0...), append([]float64(nil), q0...)
			for j := range n {
				wq[j], gq[j] = float64(j), float64(j)
			}
			BatchNormSumsColsRef(m, n, a, b, ld, ws, wq)
			BatchNormSumsCols(m, n, a, b, ld, gs, gq)
			for j := range s0 {
				sameBits64(t, fmt.Sprint("BatchNormSumsCols", c, " s", j), gs[j], ws[j])
				sameBits64(t, fmt.Sprint("BatchNormSumsCols", c, " q", j), gq[j], wq[j])
			}
			for j := n; j < len(s0); j++ {
				sameBits64(t, fmt.Sprint("BatchNormSumsCols", c, " past s", j), gs[j], s0[j])
			}
			// b = a: sums of squares.
			BatchNormSumsColsRef(m, n, a, a, ld, ws, wq)
			BatchNormSumsCols(m, n, a, a, ld, gs, gq)
			for j := range n {
				sameBits64(t, fmt.Sprint("BatchNormSumsCols(a, a)", c, " s", j), gs[j], ws[j])
				sameBits64(t, fmt.Sprint("BatchNormSumsCols(a, a)", c, " q", j), gq[j], wq[j])
			}
		}
	})
}

func TestBatchNormNormalize(t *testing.T) {
	rng := rand.New(rand.NewPCG(45, 46))
	forEachVariant(t, func(t *testing.T) {
		for _, n := range bnSizes {
			_, x := guardedCopy(bnValues(rng, n, 4))
			mean, istd := rng.Float32()-0.5, rng.Float32()*3
			gamma, beta := rng.Float32()*2-1, rng.Float32()-0.5
			wantH, wantY := make([]float32, n), make([]float32, n)
			BatchNormNormalizeRef(x, mean, istd, gamma, beta, wantH, wantY)
			fullH, h := withGuards(n)
			fullY, y := withGuards(n)
			BatchNormNormalize(x, mean, istd, gamma, beta, h, y)
			what := fmt.Sprint("BatchNormNormalize n=", n)
			checkOuter(t, what, fullH)
			checkOuter(t, what, fullY)
			sameBits(t, what+" xhat", h, wantH)
			sameBits(t, what+" y", y, wantY)
		}
	})
}

func TestBatchNormNormalizeCols(t *testing.T) {
	rng := rand.New(rand.NewPCG(47, 48))
	forEachVariant(t, func(t *testing.T) {
		for _, c := range colsCases {
			m, n, ld := c[0], c[1], c[2]
			_, x := guarded(rng, m, n, ld, 32, false)
			_, mean := guardedCopy(bnValues(rng, n, 0.5))
			_, istd := guardedCopy(bnValues(rng, n, 3))
			_, gamma := guardedCopy(bnValues(rng, n, 1))
			_, beta := guardedCopy(bnValues(rng, n, 0.5))
			_, wantH := guarded(rng, m, n, ld, 32, true)
			_, wantY := guarded(rng, m, n, ld, 32, true)
			BatchNormNormalizeColsRef(m, n, x, ld, mean, istd, gamma, beta, wantH, wantY)
			fullH, h := guarded(rng, m, n, ld, 32, true)
			fullY, y := guarded(rng, m, n, ld, 32, true)
			BatchNormNormalizeCols(m, n, x, ld, mean, istd, gamma, beta, h, y)
			what := fmt.Sprint("BatchNormNormalizeCols", c)
			checkGuards(t, fullH, 32, m, n, ld, what+" xhat")
			checkGuards(t, fullY, 32, m, n, ld, what+" y")
			sameBits(t, what+" xhat", h, wantH)
			sameBits(t, what+" y", y, wantY)
		}
	})
}

func TestBatchNormInputGrad(t *testing.T) {
	rng := rand.New(rand.NewPCG(49, 50))
	forEachVariant(t, func(t *testing.T) {
		for _, n := range bnSizes {
			_, gy := guardedCopy(bnValues(rng, n, 1))
			_, xhat := guardedCopy(bnValues(rng, n, 3))
			for _, p := range [][3]float32{{rng.Float32() * 2, rng.Float32() - 0.5, rng.Float32() - 0.5}, {1.5, 0, 0}} {
				k, mg, mgx := p[0], p[1], p[2]
				want := make([]float32, n)
				BatchNormInputGradRef(gy, xhat, k, mg, mgx, want)
				full, gx := withGuards(n)
				BatchNormInputGrad(gy, xhat, k, mg, mgx, gx)
				what := fmt.Sprint("BatchNormInputGrad n=", n, p)
				checkOuter(t, what, full)
				sameBits(t, what, gx, want)
			}
		}
	})
}

func TestBatchNormInputGradCols(t *testing.T) {
	rng := rand.New(rand.NewPCG(51, 52))
	forEachVariant(t, func(t *testing.T) {
		for _, c := range colsCases {
			m, n, ld := c[0], c[1], c[2]
			_, gy := guarded(rng, m, n, ld, 32, false)
			_, xhat := guarded(rng, m, n, ld, 32, false)
			_, k := guardedCopy(bnValues(rng, n, 2))
			_, mg := guardedCopy(bnValues(rng, n, 0.5))
			_, mgx := guardedCopy(bnValues(rng, n, 0.5))
			_, want := guarded(rng, m, n, ld, 32, true)
			BatchNormInputGradColsRef(m, n, gy, xhat, ld, k, mg, mgx, want)
			full, gx := guarded(rng, m, n, ld, 32, true)
			BatchNormInputGradCols(m, n, gy, xhat, ld, k, mg, mgx, gx)
			what := fmt.Sprint("BatchNormInputGradCols", c)
			checkGuards(t, full, 32, m, n, ld, what)
			sameBits(t, what, gx, want)
		}
	})
}

func TestBatchNormKernelsNoAlloc(t *testing.T) {
	const m, n = 64, 512
	x, h, y := make([]float32, m*n), make([]float32, m*n), make([]float32, m*n)
	p := make([]float32, n)
	s, q := make([]float64, n), make([]float64, n)
	checks := map[string]func(){
		"BatchNormSums":          func() { BatchNormSums(x, h) },
		"BatchNormSumsCols":      func() { BatchNormSumsCols(m, n, x, h, n, s, q) },
		"BatchNormNormalize":     func() { BatchNormNormalize(x, 0.1, 2, 1, 0, h, y) },
		"BatchNormNormalizeCols": func() { BatchNormNormalizeCols(m, n, x, n, p, p, p, p, h, y) },
		"BatchNormInputGrad":     func() { BatchNormInputGrad(x, h, 1, 0.1, 0.2, y) },
		"BatchNormInputGradCols": func() { BatchNormInputGradCols(m, n, x, h, n, p, p, p, y) },
	}
	for name, f := range checks {
		if a := testing.AllocsPerRun(5, f); a != 0 {
			t.Errorf("%s: %v allocations per call", name, a)
		}
	}
}

func BenchmarkBatchNorm(b *testing.B) {
	rng := rand.New(rand.NewPCG(53, 54))
	const per = 64 * 24 * 24
	x, gy := randSlice(rng, per), randSlice(rng, per)
	h, y := make([]float32, per), make([]float32, per)
	b.Run("Sums", func(b *testing.B) {
		for b.Loop() {
			BatchNormSums(x, x)
		}
		gbps(b, 4*per)
	})
	b.Run("SumsRef", func(b *testing.B) {
		for b.Loop() {
			BatchNormSumsRef(x, x)
		}
		gbps(b, 4*per)
	})
	b.Run("Normalize", func(b *testing.B) {
		for b.Loop() {
			BatchNormNormalize(x, 0.1, 2, 1.5, 0.2, h, y)
		}
		gbps(b, 12*per)
	})
	b.Run("InputGrad", func(b *testing.B) {
		for b.Loop() {
			BatchNormInputGrad(gy, h, 1.5, 0.1, 0.2, y)
		}
		gbps(b, 12*per)
	})
	const m, n = 64, 512
	s, q := make([]float64, n), make([]float64, n)
	p := randSlice(rng, n)
	b.Run("SumsCols", func(b *testing.B) {
		for b.Loop() {
			BatchNormSumsCols(m, n, x, gy, n, s, q)
		}
		gbps(b, 8*m*n)
	})
	b.Run("NormalizeCols", func(b *testing.B) {
		for b.Loop() {
			BatchNormNormalizeCols(m, n, x, n, p, p, p, p, h, y)
		}
		gbps(b, 12*m*n)
	})
}
