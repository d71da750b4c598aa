package f32

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"
)

// TestSumRows checks SumRows against SumRowsRef bit for bit, for every
// variant and worker count, at odd sizes with guards around dst, and
// SumRowsRef against a float64 sum.
func TestSumRows(t *testing.T) {
	rng := rand.New(rand.NewPCG(31, 32))
	forEachVariant(t, func(t *testing.T) {
		for _, s := range [][3]int{{1, 1, 1}, {3, 31, 31}, {2, 33, 40}, {20, 5760, 5760}, {7, 97, 100}, {40, 640, 641}, {5, 0, 3}} {
			m, n, ld := s[0], s[1], s[2]
			x := randSlice(rng, max((m-1)*ld+n, 1))
			want := make([]float32, m)
			SumRowsRef(m, n, x, ld, want)
			full, dst := withGuards(m)
			SumRows(m, n, x, ld, dst)
			checkOuter(t, "SumRows", full)
			sameBits(t, fmt.Sprint("SumRows", s), dst, want)
			for i := 0; i < m; i++ {
				var e float64
				for _, v := range x[i*ld : i*ld+n] {
					e += float64(v)
				}
				if math.Abs(float64(want[i])-e) > 1e-6*max(1, math.Abs(e)) {
					t.Fatalf("SumRowsRef%v row %d = %v, want %v", s, i, want[i], e)
				}
			}
		}
	})
}

func TestSumRowsNoAlloc(t *testing.T) {
	defer SetWorkers(0)
	SetWorkers(2)
	x, dst := make([]float32, 20*5760), make([]float32, 20)
	if a := testing.AllocsPerRun(5, func() { SumRows(20, 5760, x, 5760, dst) }); a != 0 {
		t.Errorf("SumRows: %v allocations per call", a)
	}
}

func BenchmarkSumRows(b *testing.B) {
	rng := rand.New(rand.NewPCG(33, 34))
	x, dst := randSlice(rng, 20*5760), make([]float32, 20)
	b.Run("20x5760", func(b *testing.B) {
		for b.Loop() {
			SumRows(20, 5760, x, 5760, dst)
		}
		gbps(b, 4*20*5760)
	})
}
