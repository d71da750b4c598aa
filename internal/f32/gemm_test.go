package f32

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"
)

// guardBits marks memory a kernel must neither write nor read: a NaN with a
// payload, so a read poisons the result and a write changes the bits.
const guardBits = 0x7fc0dead

var guard = math.Float32frombits(guardBits)

// guarded returns a rows×cols matrix with row stride ld inside a slice with
// guard values around it and in the padding; inside values are random (or
// guards when poison).
func guarded(rng *rand.Rand, rows, cols, ld, pad int, poison bool) (full, mat []float32) {
	size := pad
	if rows > 0 {
		size += (rows-1)*ld + cols
	}
	full = make([]float32, size+2*pad)
	for i := range full {
		full[i] = guard
	}
	mat = full[pad : pad+size-pad]
	for i := 0; i < rows; i++ {
		for j := 0; j < cols; j++ {
			if poison {
				continue
			}
			mat[i*ld+j] = rng.Float32()*2 - 1
		}
	}
	return full, mat
}

// checkGuards fails unless full holds guards outside the rows×cols matrix
// that starts at pad with stride ld.
func checkGuards(t *testing.T, full []float32, pad, rows, cols, ld int, what string) {
	t.Helper()
	inside := func(i int) bool {
		i -= pad
		if i < 0 || rows == 0 || cols == 0 {
			return false
		}
		r, c := i/ld, i%ld
		return r < rows && c < cols
	}
	for i, v := range full {
		if !inside(i) && math.Float32bits(v) != guardBits {
			t.Fatalf("%s: guard at %d overwritten with %v", what, i-pad, v)
		}
	}
}

type gemmCase struct {
	ta, tb      bool
	m, n, k     int
	alpha, beta float32
	extra       int // added to each leading dimension
}

func (c gemmCase) String() string {
	return fmt.Sprintf("ta=%v tb=%v m=%d n=%d k=%d alpha=%g beta=%g extra=%d", c.ta, c.tb, c.m, c.n, c.k, c.alpha, c.beta, c.extra)
}

// runGemmCase checks kernel set ks against GemmRef on one case.
func runGemmCase(t *testing.T, ks *kernelSet, rng *rand.Rand, gc gemmCase) {
	t.Helper()
	const pad = 37
	ar, ac := gc.m, gc.k
	if gc.ta {
		ar, ac = ac, ar
	}
	br, bc := gc.k, gc.n
	if gc.tb {
		br, bc = bc, br
	}
	lda, ldb, ldc := ac+gc.extra, bc+gc.extra, gc.n+gc.extra
	_, a := guarded(rng, ar, ac, lda, pad, false)
	_, b := guarded(rng, br, bc, ldb, pad, false)
	cFull, c := guarded(rng, gc.m, gc.n, ldc, pad, gc.beta == 0)
	_, want := guarded(rng, gc.m, gc.n, ldc, 0, false)
	for i := 0; i < gc.m; i++ {
		copy(want[i*ldc:i*ldc+gc.n], c[i*ldc:i*ldc+gc.n])
	}
	GemmRef(gc.ta, gc.tb, gc.m, gc.n, gc.k, gc.alpha, a, lda, b, ldb, gc.beta, want, ldc)
	gemmWith(ks, gc.ta, gc.tb, gc.m, gc.n, gc.k, gc.alpha, a, lda, b, ldb, gc.beta, c, ldc)
	checkGuards(t, cFull, pad, gc.m, gc.n, ldc, ks.name+" "+gc.String())
	tol := 2e-6 * float64(gc.k+4)
	for i := 0; i < gc.m; i++ {
		for j := 0; j < gc.n; j++ {
			g, w := c[i*ldc+j], want[i*ldc+j]
			if math.IsNaN(float64(g)) || math.Abs(float64(g-w)) > tol*(1+math.Abs(float64(w))) {
				t.Fatalf("%s %v: C[%d][%d] = %v, want %v", ks.name, gc, i, j, g, w)
			}
		}
	}
}

var oddSizes = []int{0, 1, 2, 3, 4, 5, 7, 8, 11, 12, 13, 15, 16, 17, 24, 25, 31, 32, 33, 47, 63, 64, 65, 100}

func TestGemmConformance(t *testing.T) {
	for _, ks := range kernelSets() {
		t.Run(ks.name, func(t *testing.T) {
			rng := rand.New(rand.NewPCG(1, 2))
			alphas := []float32{1, -0.5, 2}
			betas := []float32{0, 1, 0.25}
			n := 0
			for _, m := range oddSizes {
				for _, nn := range oddSizes {
					for range 2 {
						k := oddSizes[rng.IntN(len(oddSizes))]
						gc := gemmCase{ta: rng.IntN(2) == 1, tb: rng.IntN(2) == 1, m: m, n: nn, k: k,
							alpha: alphas[rng.IntN(3)], beta: betas[rng.IntN(3)], extra: rng.IntN(3) * rng.IntN(9)}
						runGemmCase(t, ks, rng, gc)
						n++
					}
				}
			}
			// Every transpose pair at sizes that cross the blocking limits.
			big := [][3]int{{150, 70, 300}, {13, 600, 520}, {40, 33, 700}, {150, 1100, 9}, {5, 530, 257}, {180, 40, 20}}
			for _, s := range big {
				for tt := range 4 {
					gc := gemmCase{ta: tt&1 == 1, tb: tt&2 == 2, m: s[0], n: s[1], k: s[2], alpha: 1, beta: betas[tt%3], extra: tt}
					runGemmCase(t, ks, rng, gc)
				}
			}
		})
	}
}

// layerShapes are the products of the Chapter-6 networks (batch 10 and 64).
var layerShapes = []struct {
	name    string
	ta, tb  bool
	m, n, k int
}{
	{"conv1_fwd_b10", false, false, 20, 5760, 25},
	{"conv2_fwd_b10", false, false, 40, 640, 500},
	{"conv1_gW_b10", false, true, 20, 25, 5760},
	{"conv2_gW_b10", false, true, 40, 500, 640},
	{"conv2_gCol_b10", true, false, 500, 640, 40},
	{"dense640x100_fwd_b10", false, true, 10, 100, 640},
	{"dense640x1000_fwd_b10", false, true, 10, 1000, 640},
	{"dense1000x1000_fwd_b10", false, true, 10, 1000, 1000},
	{"dense100x10_fwd_b10", false, true, 10, 10, 100},
	{"dense640x1000_gW_b10", true, false, 1000, 640, 10},
	{"dense1000x1000_gW_b10", true, false, 1000, 1000, 10},
	{"dense640x1000_gX_b10", false, false, 10, 640, 1000},
	{"dense1000x1000_gX_b10", false, false, 10, 1000, 1000},
	{"conv1_fwd_b64", false, false, 20, 36864, 25},
	{"conv2_fwd_b64", false, false, 40, 4096, 500},
	{"conv1_gW_b64", false, true, 20, 25, 36864},
	{"conv2_gW_b64", false, true, 40, 500, 4096},
	{"conv2_gCol_b64", true, false, 500, 4096, 40},
	{"dense640x1000_fwd_b64", false, true, 64, 1000, 640},
	{"dense1000x1000_fwd_b64", false, true, 64, 1000, 1000},
	{"dense1000x1000_gW_b64", true, false, 1000, 1000, 64},
	{"dense1000x1000_gX_b64", false, false, 64, 1000, 1000},
}

func TestGemmLayerShapes(t *testing.T) {
	if testing.Short() {
		t.Skip("large products")
	}
	rng := rand.New(rand.NewPCG(3, 4))
	for _, ks := range kernelSets() {
		for _, s := range layerShapes[:13] {
			runGemmCase(t, ks, rng, gemmCase{ta: s.ta, tb: s.tb, m: s.m, n: s.n, k: s.k, alpha: 1, beta: 0.5})
		}
	}
}
