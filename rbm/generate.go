package rbm

import (
	"fmt"
	"math"

	"github.com/deepnet-go/deepnet/internal/f32"
)

// LabelProbs returns p(label | x) of an RBM with labels for the n vectors
// x[n][Visible−Labels] of its other visible units: the softmax over l of
// −F(x, label l), which is vbias_l + Σ_j log(1 + e^(a_j + W_jl)) with a
// the hidden inputs of x alone (the terms without l cancel). It is the
// top RBM's classification of a deep belief net.
func (r *RBM) LabelProbs(x []float32, n int) []float32 {
	if r.Labels == 0 {
		panic("rbm: LabelProbs of an RBM without labels")
	}
	B, H := r.binary(), r.Hidden
	t := &labelTask{r: r, a: make([]float32, n*H), p: make([]float32, n*r.Labels)}
	f32.Gemm(false, true, n, H, B, 1, x, B, r.W.Value.Data, r.Visible, 0, t.a, H)
	f32.AddRowVector(n, H, r.HBias.Value.Data, t.a, H)
	f32.ParallelFor(n, t)
	return t.p
}

// labelTask computes the label probabilities of rows.
type labelTask struct {
	r    *RBM
	a, p []float32
}

func (t *labelTask) Run(lo, hi int) {
	r := t.r
	B, V, H, L := r.binary(), r.Visible, r.Hidden, r.Labels
	s := make([]float64, L)
	for i := lo; i < hi; i++ {
		a := t.a[i*H : (i+1)*H]
		for l := range L {
			s[l] = float64(r.VBias.Value.Data[B+l])
			for j, x := range a {
				s[l] += softplus(float64(x) + float64(r.W.Value.Data[j*V+B+l]))
			}
		}
		m := logSumExp(s)
		for l := range L {
			t.p[i*L+l] = float32(math.Exp(s[l] - m))
		}
	}
}

// Generate returns n images of the label (−1: none, or a DBN without
// labels) as the DBN dreams them: the top RBM's label units clamped to
// it, its other visible units started from states drawn from their biases,
// steps sweeps of Gibbs sampling in the top RBM, then its visible means
// passed down through the generative weights (Down) to the visible
// layer's means (pixel probabilities). The draws come from seed.
func (d *DBN) Generate(label, n, steps int, seed uint64) ([]float32, error) {
	return d.GenerateChain(label, n, steps, seed, 0, nil)
}

// GenerateChain is Generate, also calling frame after sweeps every,
// 2·every, ... (every > 0) with the images the chains give there, which
// are those Generate gives after that many sweeps with the same seed: the
// frames of an animation of the chains.
func (d *DBN) GenerateChain(label, n, steps int, seed uint64, every int, frame func(sweep int, images []float32)) ([]float32, error) {
	if label >= d.Labels || label < -1 || label >= 0 && d.Labels == 0 {
		return nil, fmt.Errorf("rbm: label %d of a DBN with %d labels", label, d.Labels)
	}
	if steps < 1 || n < 1 {
		return nil, fmt.Errorf("rbm: %d images after %d Gibbs steps", n, steps)
	}
	top := d.Top()
	V, B := top.Visible, top.binary()
	v, pv, h := make([]float32, n*V), make([]float32, n*V), make([]float32, n*top.Hidden)
	s := NewSampler(seed)
	s.At(atGenerate, 0)
	top.VisibleMeans(h, n, pv) // h = 0: the visible biases' probabilities
	top.SampleVisible(pv, v, n, s)
	clamp := func() {
		if label < 0 {
			return
		}
		for i := range n {
			row := v[i*V+B : (i+1)*V]
			for l := range row {
				row[l] = 0
			}
			row[label] = 1
		}
	}
	clamp()
	for step := 1; step <= steps; step++ {
		s.At(atGenerate, uint64(step))
		top.HiddenProbs(v, n, h)
		top.SampleHidden(h, h, n, s)
		top.VisibleMeans(h, n, pv)
		if step < steps {
			if every > 0 && frame != nil && step%every == 0 {
				frame(step, d.Down(columns(pv, n, V, B), n))
			}
			top.SampleVisible(pv, v, n, s)
			clamp()
		}
	}
	images := d.Down(columns(pv, n, V, B), n)
	if every > 0 && frame != nil && steps%every == 0 {
		frame(steps, images)
	}
	return images, nil
}
