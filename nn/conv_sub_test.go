package nn

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/deepnet-go/deepnet/internal/f32"
)

// TestSubBatchesBitIdentical checks that convolutions run in sub-batches
// give the whole-batch products' outputs and gradients bit for bit, on one
// worker and on two.
func TestSubBatchesBitIdentical(t *testing.T) {
	defer func(v int) { convSubFloats = v; f32.SetWorkers(0) }(convSubFloats)
	const spec = "conv:6x5x5 relu maxpool:2 conv:7x3x3/2 relu conv:5x3x3 fc:20 relu softmax:10"
	const n = 37
	rng := rand.New(rand.NewPCG(3, 4))
	x := randSlice(rng, n*784, 1)
	labels := make([]int, n)
	for i := range labels {
		labels[i] = rng.IntN(10)
	}
	run := func(subFloats, workers int) [][]float32 {
		convSubFloats = subFloats
		f32.SetWorkers(workers)
		net := mnistNet(t, spec, n, 5)
		for _, l := range net.Layers {
			if c, ok := l.(*ConvLayer); ok {
				_, count := c.subBatches(n)
				if want := subFloats < 1<<30; (count > 1) != want {
					t.Fatalf("sub-batch floats %d: %v in %d sub-batches", subFloats, c.Spec(), count)
				}
			}
		}
		out := [][]float32{append([]float32(nil), net.Forward(x, n, true)...)}
		net.Backward(labels)
		for _, p := range net.Params() {
			if p.Grad != nil {
				out = append(out, append([]float32(nil), p.Grad.Data...))
			}
		}
		return out
	}
	want := run(1<<30, 1)
	for _, c := range []struct{ sub, workers int }{{1, 1}, {1, 2}, {3000, 2}, {20000, 1}, {20000, 2}} {
		got := run(c.sub, c.workers)
		for i := range want {
			for j := range want[i] {
				if math.Float32bits(got[i][j]) != math.Float32bits(want[i][j]) {
					t.Fatalf("%+v: tensor %d element %d: %v, whole batch %v", c, i, j, got[i][j], want[i][j])
				}
			}
		}
	}
}
