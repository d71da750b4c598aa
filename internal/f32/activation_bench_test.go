package f32

import (
	"math/rand/v2"
	"strconv"
	"testing"
)

// BenchmarkActivation times Sigmoid and Tanh (and their Refs) per variant
// at 128 floats (an LSTM gate row) and 4096, in ns per element.
func BenchmarkActivation(b *testing.B) {
	rng := rand.New(rand.NewPCG(53, 54))
	for _, n := range []int{128, 4096} {
		x := make([]float32, n)
		for i := range x {
			x[i] = (rng.Float32()*2 - 1) * 8
		}
		y := make([]float32, n)
		run := func(name string, f func(x, y []float32)) {
			b.Run(name+"_"+strconv.Itoa(n), func(b *testing.B) {
				for b.Loop() {
					f(x, y)
				}
				b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(n), "ns/elem")
			})
		}
		run("sigmoid_ref", SigmoidRef)
		run("tanh_ref", TanhRef)
		for _, v := range activationVariants() {
			restore := v.enable()
			run("sigmoid_"+v.name, Sigmoid)
			run("tanh_"+v.name, Tanh)
			restore()
		}
	}
}
