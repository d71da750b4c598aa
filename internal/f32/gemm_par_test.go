package f32

import (
	"math"
	"math/rand/v2"
	"testing"
)

func randSlice(rng *rand.Rand, n int) []float32 {
	s := make([]float32, n)
	for i := range s {
		s[i] = rng.Float32()*2 - 1
	}
	return s
}

// TestGemmDeterministic checks that every worker count gives bit-identical
// results, for every kernel set.
func TestGemmDeterministic(t *testing.T) {
	defer SetWorkers(0)
	rng := rand.New(rand.NewPCG(5, 6))
	for _, ks := range kernelSets() {
		for _, s := range layerShapes[:13] {
			a := randSlice(rng, s.m*s.k)
			b := randSlice(rng, s.k*s.n)
			c0 := randSlice(rng, s.m*s.n)
			lda, ldb := s.k, s.n
			if s.ta {
				lda = s.m
			}
			if s.tb {
				ldb = s.k
			}
			var want []float32
			for _, w := range []int{1, 2, 3, 4, 7} {
				SetWorkers(w)
				c := append([]float32(nil), c0...)
				gemmWith(ks, s.ta, s.tb, s.m, s.n, s.k, 1, a, lda, b, ldb, 0.5, c, s.n)
				if want == nil {
					want = c
					continue
				}
				for i := range c {
					if math.Float32bits(c[i]) != math.Float32bits(want[i]) {
						t.Fatalf("%s %s: workers=%d differs from workers=1 at %d: %v vs %v", ks.name, s.name, w, i, c[i], want[i])
					}
				}
			}
		}
	}
}

// TestGemmNoAlloc checks that Gemm does not allocate, serially or on the pool.
func TestGemmNoAlloc(t *testing.T) {
	defer SetWorkers(0)
	rng := rand.New(rand.NewPCG(7, 8))
	for _, w := range []int{1, 2} {
		SetWorkers(w)
		for _, s := range layerShapes[:13] {
			a := randSlice(rng, s.m*s.k)
			b := randSlice(rng, s.k*s.n)
			c := randSlice(rng, s.m*s.n)
			lda, ldb := s.k, s.n
			if s.ta {
				lda = s.m
			}
			if s.tb {
				ldb = s.k
			}
			allocs := testing.AllocsPerRun(5, func() {
				Gemm(s.ta, s.tb, s.m, s.n, s.k, 1, a, lda, b, ldb, 0, c, s.n)
			})
			if allocs != 0 {
				t.Errorf("workers=%d %s: %v allocations per call", w, s.name, allocs)
			}
		}
	}
}

func benchGemm(b *testing.B, workers int) {
	defer SetWorkers(0)
	SetWorkers(workers)
	rng := rand.New(rand.NewPCG(9, 10))
	for _, s := range layerShapes {
		b.Run(s.name, func(b *testing.B) {
			a := randSlice(rng, s.m*s.k)
			bb := randSlice(rng, s.k*s.n)
			c := randSlice(rng, s.m*s.n)
			lda, ldb := s.k, s.n
			if s.ta {
				lda = s.m
			}
			if s.tb {
				ldb = s.k
			}
			b.ResetTimer()
			for b.Loop() {
				Gemm(s.ta, s.tb, s.m, s.n, s.k, 1, a, lda, bb, ldb, 0, c, s.n)
			}
			b.ReportMetric(2*float64(s.m*s.n*s.k)*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOP/s")
		})
	}
}

// BenchmarkGemm times Gemm at the layer shapes with the default workers.
func BenchmarkGemm(b *testing.B) { benchGemm(b, 0) }

// BenchmarkGemm1 times Gemm at the layer shapes on one worker.
func BenchmarkGemm1(b *testing.B) { benchGemm(b, 1) }
