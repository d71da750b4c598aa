//go:build amd64 && !purego

package f32

import "testing"

// BenchmarkKernel times the AVX-512 micro-kernels alone, on data in L1:
// their ceiling on this processor.
func BenchmarkKernel(b *testing.B) {
	if !hasAVX512 {
		b.Skip("no AVX-512")
	}
	for _, kc := range []int{64, 256} {
		a := make([]float32, 12*kc)
		bb := make([]float32, 32*kc)
		c := make([]float32, 12*32)
		b.Run("micro12x32_k"+itoa(kc), func(b *testing.B) {
			for b.Loop() {
				gemmMicroAVX512m12(kc, &a[0], &bb[0], 32, &c[0], 32, 1, 1, 0xffffffff)
			}
			b.ReportMetric(2*12*32*float64(kc)*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOP/s")
		})
	}
	const k = 640
	a := make([]float32, 5*k)
	bb := make([]float32, 5*k)
	c := make([]float32, 25)
	b.Run("dot5x5_k640", func(b *testing.B) {
		for b.Loop() {
			gemmDotAVX512m5n5(k, &a[0], k, &bb[0], k, &c[0], 5, 1, 1)
		}
		b.ReportMetric(2*25*float64(k)*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOP/s")
	})
}

func itoa(n int) string {
	s := ""
	for ; n > 0; n /= 10 {
		s = string(rune('0'+n%10)) + s
	}
	return s
}

// BenchmarkKernelParallel runs the 12×32 micro-kernel on every P at once:
// the ceiling of the whole machine.
func BenchmarkKernelParallel(b *testing.B) {
	if !hasAVX512 {
		b.Skip("no AVX-512")
	}
	const kc = 128
	b.RunParallel(func(pb *testing.PB) {
		a := make([]float32, 12*kc)
		bb := make([]float32, 32*kc)
		c := make([]float32, 12*32)
		for pb.Next() {
			gemmMicroAVX512m12(kc, &a[0], &bb[0], 32, &c[0], 32, 1, 1, 0xffffffff)
		}
	})
	b.ReportMetric(2*12*32*kc*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOP/s")
}
