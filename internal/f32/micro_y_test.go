package f32

import "testing"

func BenchmarkMicroPar(b *testing.B) {
	kc := 128
	b.RunParallel(func(pb *testing.PB) {
		a := make([]float32, 12*kc)
		bb := make([]float32, 32*kc)
		c := make([]float32, 12*32)
		for pb.Next() {
			gemmMicroAVX512m12(kc, &a[0], &bb[0], 32, &c[0], 32, 1, 1, 0xffffffff)
		}
	})
	b.ReportMetric(2*12*32*float64(kc)*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOP/s")
}
