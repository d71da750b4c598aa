package f32

import (
	"fmt"
	"math/rand/v2"
	"testing"
)

// BenchmarkOptimizerUpdate times the optimisers' kernels over tensors the
// size of the relu network's (conv2 20,000 and fc 64,000 weights) and a
// larger one, one worker and the default: GB/s counts the bytes each reads
// and writes (SGD 12 per weight, momentum 20, RMSprop 20, Adam 28).
func BenchmarkOptimizerUpdate(b *testing.B) {
	rng := rand.New(rand.NewPCG(23, 24))
	s := AdamScalars{Decay: 1e-5, Beta1: 0.9, Beta2: 0.999, OneMinusBeta1: 0.1, OneMinusBeta2: 0.001, Rate: 1e-3, SqrtCorrection2: 0.5, Eps: 1e-8}
	for _, n := range []int{20000, 64000, 1 << 20} {
		w, g, m, v := randSlice(rng, n), randSlice(rng, n), randSlice(rng, n), randSlice(rng, n)
		for i := range v {
			v[i] *= v[i]
		}
		for _, workers := range []int{1, 0} {
			SetWorkers(workers)
			name := fmt.Sprintf("n%d/w%d", n, Workers())
			b.Run("sgd/"+name, func(b *testing.B) {
				for b.Loop() {
					SGDUpdate(w, g, 1e-9, 1e-5)
				}
				gbps(b, 12*n)
			})
			b.Run("momentum/"+name, func(b *testing.B) {
				for b.Loop() {
					MomentumUpdate(w, g, m, 1e-9, 1e-5, 0.9, false)
				}
				gbps(b, 20*n)
			})
			b.Run("rmsprop/"+name, func(b *testing.B) {
				for b.Loop() {
					RMSpropUpdate(w, g, v, 1e-9, 1e-5, 0.99, 0.01, 1e-8)
				}
				gbps(b, 20*n)
			})
			b.Run("adam/"+name, func(b *testing.B) {
				for b.Loop() {
					AdamUpdate(w, g, m, v, s)
				}
				gbps(b, 28*n)
			})
		}
	}
	SetWorkers(0)
}
