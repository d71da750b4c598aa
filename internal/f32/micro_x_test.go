package f32

import "testing"

func BenchmarkMicroX(b *testing.B) {
	for _, kc := range []int{64, 128, 256} {
		a := make([]float32, 12*kc)
		bb := make([]float32, 32*kc)
		c := make([]float32, 12*32)
		b.Run("", func(b *testing.B) {
			for b.Loop() {
				gemmMicroAVX512m12(kc, &a[0], &bb[0], 32, &c[0], 32, 1, 1, 0xffffffff)
			}
			b.ReportMetric(2*12*32*float64(kc)*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOP/s")
		})
	}
	for _, k := range []int{640} {
		a := make([]float32, 5*k)
		bb := make([]float32, 5*k)
		c := make([]float32, 25)
		b.Run("dot", func(b *testing.B) {
			for b.Loop() {
				gemmDotAVX512m5n5(k, &a[0], k, &bb[0], k, &c[0], 5, 1, 1)
			}
			b.ReportMetric(2*25*float64(k)*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOP/s")
		})
	}
}
