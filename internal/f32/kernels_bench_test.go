package f32

import (
	"math/rand/v2"
	"testing"
)

// gbps reports the bytes a kernel reads and writes per second.
func gbps(b *testing.B, bytes int) {
	b.ReportMetric(float64(bytes)*float64(b.N)/b.Elapsed().Seconds()/1e9, "GB/s")
}

// BenchmarkIm2col times Im2col and Col2im at the conv layers (batch 10, 64).
func BenchmarkIm2col(b *testing.B) {
	rng := rand.New(rand.NewPCG(17, 18))
	for _, s := range []struct {
		name                    string
		c, n, h, w, kh, kw, str int
	}{
		{"conv1_b10", 1, 10, 28, 28, 5, 5, 1}, {"conv2_b10", 20, 10, 12, 12, 5, 5, 1},
		{"conv1_b64", 1, 64, 28, 28, 5, 5, 1}, {"conv2_b64", 20, 64, 12, 12, 5, 5, 1},
	} {
		oh, ow := (s.h-s.kh)/s.str+1, (s.w-s.kw)/s.str+1
		src := randSlice(rng, s.c*s.n*s.h*s.w)
		col := randSlice(rng, s.c*s.kh*s.kw*s.n*oh*ow)
		b.Run("im2col_"+s.name, func(b *testing.B) {
			for b.Loop() {
				Im2col(src, s.c, s.n, s.h, s.w, s.kh, s.kw, s.str, col)
			}
			gbps(b, 4*(len(src)+len(col)))
		})
		b.Run("col2im_"+s.name, func(b *testing.B) {
			for b.Loop() {
				Col2im(col, s.c, s.n, s.h, s.w, s.kh, s.kw, s.str, src)
			}
			gbps(b, 4*(len(src)+len(col)))
		})
	}
}

// BenchmarkPool times the pooling kernels after conv1 and conv2 (batch 10).
func BenchmarkPool(b *testing.B) {
	rng := rand.New(rand.NewPCG(19, 20))
	for _, s := range []struct {
		name         string
		planes, h, w int
	}{{"conv1_b10", 200, 24, 24}, {"conv2_b10", 400, 8, 8}, {"conv1_b64", 1280, 24, 24}} {
		x := randSlice(rng, s.planes*s.h*s.w)
		y := make([]float32, len(x)/4)
		arg := make([]int32, len(y))
		bytes := 4 * (len(x) + 2*len(y))
		b.Run("max_"+s.name, func(b *testing.B) {
			for b.Loop() {
				MaxPool(x, s.planes, s.h, s.w, 2, 2, y, arg)
			}
			gbps(b, bytes)
		})
		b.Run("maxback_"+s.name, func(b *testing.B) {
			for b.Loop() {
				MaxPoolBackward(y, arg, s.planes, s.h, s.w, 2, 2, x)
			}
			gbps(b, bytes)
		})
		b.Run("l2_"+s.name, func(b *testing.B) {
			for b.Loop() {
				L2Pool(x, s.planes, s.h, s.w, 2, 2, y)
			}
			gbps(b, bytes)
		})
	}
}

// BenchmarkElementwise times Axpy (an SGD step on a 1000×1000 layer) and
// the conv1 bias.
func BenchmarkElementwise(b *testing.B) {
	rng := rand.New(rand.NewPCG(21, 22))
	x, y := randSlice(rng, 1e6), randSlice(rng, 1e6)
	b.Run("axpy_1M", func(b *testing.B) {
		for b.Loop() {
			Axpy(-1e-3, x, y)
		}
		gbps(b, 12e6)
	})
	b.Run("addcolvector_20x5760", func(b *testing.B) {
		for b.Loop() {
			AddColVector(20, 5760, x, y, 5760)
		}
		gbps(b, 8*20*5760)
	})
}
