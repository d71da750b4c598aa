package nn

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/deepnet-go/deepnet/internal/f32"
)

// bnShapes are an image-shaped and a flat-shaped input with a batch large
// enough that BatchNormLayer splits its channels among two workers.
var bnShapes = []struct {
	in Shape
	n  int
}{
	{Shape{C: 8, H: 12, W: 12}, 64},
	{Shape{C: 1000, H: 1, W: 1, Flat: true}, 64},
	{Shape{C: 3, H: 5, W: 7}, 3},
	{Shape{C: 37, H: 1, W: 1, Flat: true}, 5},
}

// bnRun runs a training Forward and Backward, then an inference Forward
// and Backward, and returns every output, gradient and running statistic.
func bnRun(in Shape, n int) [][]float32 {
	rng := rand.New(rand.NewPCG(7, 8))
	l := NewBatchNorm(in, n, "bn")
	copy(l.Gamma.Value.Data, randSlice(rng, l.Gamma.Value.Len(), 1))
	copy(l.Beta.Value.Data, randSlice(rng, l.Beta.Value.Len(), 1))
	x := randSlice(rng, in.Size()*n, 2)
	for i := range x {
		x[i] += float32(i%5) - 1 // per-channel offsets
	}
	gy := randSlice(rng, in.Size()*n, 1)
	var out [][]float32
	keep := func(s []float32) { out = append(out, append([]float32(nil), s...)) }
	for _, train := range []bool{true, false} {
		keep(l.Forward(x, n, train))
		keep(l.Backward(gy))
		keep(l.Gamma.Grad.Data)
		keep(l.Beta.Grad.Data)
		keep(l.RunningMean.Value.Data)
		keep(l.RunningVar.Value.Data)
	}
	return out
}

// TestBatchNormWorkersBitIdentical checks that outputs, gradients and
// running statistics do not depend on the number of workers.
func TestBatchNormWorkersBitIdentical(t *testing.T) {
	defer f32.SetWorkers(0)
	for _, s := range bnShapes {
		f32.SetWorkers(1)
		want := bnRun(s.in, s.n)
		f32.SetWorkers(2)
		got := bnRun(s.in, s.n)
		for i := range want {
			for j := range want[i] {
				if math.Float32bits(got[i][j]) != math.Float32bits(want[i][j]) {
					t.Fatalf("%v n=%d: result %d [%d] = %v with 2 workers, %v with 1", s.in, s.n, i, j, got[i][j], want[i][j])
				}
			}
		}
	}
}

// bnScalar is the layer's former serial scalar implementation: every sum
// in float64 in order of the values.
func bnScalar(in Shape, n int) [][]float32 {
	rng := rand.New(rand.NewPCG(7, 8))
	c := batchNormChannels(in)
	gamma, beta := randSlice(rng, c, 1), randSlice(rng, c, 1)
	x := randSlice(rng, in.Size()*n, 2)
	for i := range x {
		x[i] += float32(i%5) - 1
	}
	gy := randSlice(rng, in.Size()*n, 1)
	rm, rv := make([]float32, c), make([]float32, c)
	for i := range rv {
		rv[i] = 1
	}
	var per, run, cs, js int
	if in.Flat {
		per, run, cs, js = n, 1, 1, in.Size()
	} else {
		hw := in.H * in.W
		per, run, cs, js = n*hw, n*hw, n*hw, 0
	}
	idx := func(c, j int) int { return c*cs + (j/run)*js + j%run }
	var out [][]float32
	for _, train := range []bool{true, false} {
		y, xhat, gx := make([]float32, len(x)), make([]float32, len(x)), make([]float32, len(x))
		gg, gb := make([]float32, c), make([]float32, c)
		istds := make([]float32, c)
		for ch := 0; ch < c; ch++ {
			var mean, istd float32
			if train {
				var s, s2 float64
				for j := 0; j < per; j++ {
					v := float64(x[idx(ch, j)])
					s += v
					s2 += v * v
				}
				m := s / float64(per)
				v := math.Max(s2/float64(per)-m*m, 0)
				mean, istd = float32(m), float32(1/math.Sqrt(v+bnEps))
				unbiased := v
				if per > 1 {
					unbiased = v * float64(per) / float64(per-1)
				}
				rm[ch] = float32((1-bnMomentum)*float64(rm[ch]) + bnMomentum*m)
				rv[ch] = float32((1-bnMomentum)*float64(rv[ch]) + bnMomentum*unbiased)
			} else {
				mean = rm[ch]
				istd = float32(1 / math.Sqrt(float64(rv[ch])+bnEps))
			}
			istds[ch] = istd
			for j := 0; j < per; j++ {
				i := idx(ch, j)
				h := (x[i] - mean) * istd
				xhat[i] = h
				y[i] = gamma[ch]*h + beta[ch]
			}
		}
		for ch := 0; ch < c; ch++ {
			var sg, sgx float64
			for j := 0; j < per; j++ {
				i := idx(ch, j)
				sg += float64(gy[i])
				sgx += float64(gy[i]) * float64(xhat[i])
			}
			gb[ch], gg[ch] = float32(sg), float32(sgx)
			mg, mgx := float32(sg/float64(per)), float32(sgx/float64(per))
			if !train {
				mg, mgx = 0, 0
			}
			k := gamma[ch] * istds[ch]
			for j := 0; j < per; j++ {
				i := idx(ch, j)
				gx[i] = k * (gy[i] - mg - xhat[i]*mgx)
			}
		}
		out = append(out, y, gx, gg, gb, append([]float32(nil), rm...), append([]float32(nil), rv...))
	}
	return out
}

// TestBatchNormMatchesScalar compares the layer with its former scalar
// implementation: bit for bit for flat inputs (the same order of every
// sum), to float64 rounding of the statistics for images (whose sums now
// use 32 partial sums).
func TestBatchNormMatchesScalar(t *testing.T) {
	for _, s := range bnShapes {
		got, want := bnRun(s.in, s.n), bnScalar(s.in, s.n)
		for i := range want {
			for j := range want[i] {
				g, w := got[i][j], want[i][j]
				what := fmt.Sprintf("%v n=%d: result %d [%d] = %v, scalar %v", s.in, s.n, i, j, g, w)
				if s.in.Flat {
					if math.Float32bits(g) != math.Float32bits(w) {
						t.Fatal(what)
					}
				} else if math.Abs(float64(g-w)) > 1e-5*max(1, math.Abs(float64(w))) {
					t.Fatal(what)
				}
			}
		}
	}
}

// TestBatchNormCumulative checks ResetRunning(true): the running averages
// become the plain means of the batches' means and unbiased variances.
func TestBatchNormCumulative(t *testing.T) {
	rng := rand.New(rand.NewPCG(9, 10))
	for _, in := range []Shape{{C: 3, H: 4, W: 5}, {C: 6, H: 1, W: 1, Flat: true}} {
		const n, batches = 7, 4
		l := NewBatchNorm(in, n, "bn")
		l.Forward(randSlice(rng, in.Size()*n, 3), n, true) // running stats away from the reset values
		l.ResetRunning(true)
		c := in.C
		per := n * in.Size() / c
		wantMean, wantVar := make([]float64, c), make([]float64, c)
		for b := 0; b < batches; b++ {
			x := randSlice(rng, in.Size()*n, float64(b+1))
			l.Forward(x, n, true)
			for ch := 0; ch < c; ch++ {
				var vals []float64
				for i := 0; i < n; i++ {
					for j := 0; j < in.H*in.W; j++ {
						if in.Flat {
							vals = append(vals, float64(x[i*c+ch]))
						} else {
							vals = append(vals, float64(x[(ch*n+i)*in.H*in.W+j]))
						}
					}
				}
				var m, v float64
				for _, x := range vals {
					m += x
				}
				m /= float64(per)
				for _, x := range vals {
					v += (x - m) * (x - m)
				}
				wantMean[ch] += m / batches
				wantVar[ch] += v / float64(per-1) / batches
			}
		}
		for ch := 0; ch < c; ch++ {
			gm, gv := float64(l.RunningMean.Value.Data[ch]), float64(l.RunningVar.Value.Data[ch])
			if math.Abs(gm-wantMean[ch]) > 1e-5 || math.Abs(gv-wantVar[ch]) > 1e-4*wantVar[ch] {
				t.Fatalf("%v channel %d: running mean %v var %v, want %v %v", in, ch, gm, gv, wantMean[ch], wantVar[ch])
			}
		}
		l.ResetRunning(false)
		before := float64(l.RunningMean.Value.Data[0])
		x := randSlice(rng, in.Size()*n, 1)
		l.Forward(x, n, true)
		m := float64(l.mean[0]) // the batch's mean of channel 0
		if got, want := float64(l.RunningMean.Value.Data[0]), 0.9*before+0.1*m; math.Abs(got-want) > 1e-6 {
			t.Fatalf("%v: after ResetRunning(false) running mean %v, want 0.9·%v + 0.1·%v", in, got, before, m)
		}
	}
}
