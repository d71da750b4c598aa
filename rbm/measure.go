package rbm

import (
	"math"
	"math/rand/v2"

	"github.com/deepnet-go/deepnet/internal/f32"
	"github.com/deepnet-go/deepnet/train"
)

// PseudoBits is the number of units whose conditional probability the
// pseudo-likelihood of a vector is estimated from (see Metric).
const PseudoBits = 16

// Metric is what Measure scores, lower being better: for binary visible
// units "pseudo_nll", the negative log pseudo-likelihood of the held-out
// vectors in nats per vector, −Σ_i log p(v_i | v_−i) over the binary
// units, estimated from PseudoBits units of each vector drawn from the
// seed (the same units every epoch, so that epochs compare); for
// Gaussian ones "reconstruction_error", the mean squared error of the
// mean-field reconstruction. The held-out vectors are binarised once
// (Fixed, from the seed), whatever the training's Binarization, so that
// the pseudo-likelihood is of binary vectors.
func (o *CD) Metric() train.Metric {
	name := "pseudo_nll"
	if o.r.Gaussian {
		name = "reconstruction_error"
	}
	return train.Metric{Name: name, LowerIsBetter: true, NoTest: o.sets.Test == nil}
}

// Measure scores the RBM on the validation and test vectors (Metric).
func (o *CD) Measure(bool) train.Score {
	sc := train.Score{Validation: o.m.score(o.sets.Validation, 0)}
	if o.sets.Test != nil {
		sc.Test = o.m.score(o.sets.Test, 1)
	}
	return sc
}

// measure holds the buffers of Measure, and is the task that scores the
// rows of one batch.
type measure struct {
	r      *RBM
	s      *Sampler
	batch  int
	x, a   []float32
	idx    []int
	loss   []float64 // each row's
	expW   []float64 // e^W, [Hidden][Visible]
	chunk  int       // factors multiplied before a log
	set, n int
}

func newMeasure(o *CD) *measure {
	b, V, H := o.batch, o.r.Visible, o.r.Hidden
	return &measure{r: o.r, s: NewSampler(o.s.seed), batch: b, x: make([]float32, b*V), a: make([]float32, b*H),
		idx: make([]int, b), loss: make([]float64, b)}
}

// score returns the mean loss of d's vectors (set numbers the held-out
// set, for its draws).
func (m *measure) score(d Data, set int) float64 {
	r := m.r
	V, H := r.Visible, r.Hidden
	if !r.Gaussian {
		m.prepare()
	}
	m.set = set
	var total float64
	for lo := 0; lo < d.Len(); lo += m.batch {
		n := min(m.batch, d.Len()-lo)
		idx := m.idx[:n]
		for k := range idx {
			idx[k] = lo + k
		}
		x := m.x[:n*V]
		d.Rows(x, idx)
		if r.Gaussian {
			r.HiddenProbs(x, n, m.a)
			pv := make([]float32, n*V)
			r.VisibleMeans(m.a, n, pv)
			for i, v := range x {
				e := float64(v - pv[i])
				total += e * e
			}
			continue
		}
		m.s.At(atMeasure|uint64(set), 0)
		m.s.draw(x, x, n, V, V, false, idx)
		r.HiddenInput(x, n, m.a[:n*H])
		m.n = n
		f32.ParallelFor(n, m)
		for _, l := range m.loss[:n] {
			total += l
		}
	}
	return total / float64(d.Len())
}

// prepare computes e^W and the number of factors whose product stays
// within e^±300: each lies between e^−|w| and e^|w|.
func (m *measure) prepare() {
	W := m.r.W.Value.Data
	if len(m.expW) != len(W) {
		m.expW = make([]float64, len(W))
	}
	var big float64
	for i, w := range W {
		m.expW[i] = math.Exp(float64(w))
		big = max(big, math.Abs(float64(w)))
	}
	m.chunk = int(min(64, max(1, 300/max(big, 1e-9))))
}

// Run scores rows [lo, hi) of the batch: −log p(v_i | v_−i) =
// softplus(F(v) − F(ṽ)), ṽ being v with unit i flipped (s = ±1), and
//
//	F(v) − F(ṽ) = s·vbias_i + Σ_j log(1 + σ(a_j)·(e^(s·W_ji) − 1))
//
// with a the hidden inputs of v; the logs are taken of products of chunk
// factors.
func (m *measure) Run(lo, hi int) {
	r := m.r
	V, H, B := r.Visible, r.Hidden, r.binary()
	p := make([]float64, H)
	for row := lo; row < hi; row++ {
		for j, a := range m.a[row*H : (row+1)*H] {
			p[j] = 1 / (1 + math.Exp(-float64(a)))
		}
		x := m.x[row*V : (row+1)*V]
		var g rand.PCG
		id := uint64(m.idx[row])
		g.Seed(mix(m.s.seed^mix(atPseudo|uint64(m.set))), mix(id))
		var loss float64
		for range PseudoBits {
			i := int(g.Uint64() % uint64(B))
			s := 1 - 2*float64(x[i])
			d := s * float64(r.VBias.Value.Data[i])
			prod := 1.0
			for j, pj := range p {
				e := m.expW[j*V+i]
				if s < 0 {
					e = 1 / e
				}
				prod *= 1 + pj*(e-1)
				if (j+1)%m.chunk == 0 {
					d += math.Log(prod)
					prod = 1
				}
			}
			d += math.Log(prod)
			loss += softplus(d)
		}
		m.loss[row] = loss * float64(B) / PseudoBits
	}
}
