package rbm

import (
	"fmt"
	"math"

	"github.com/deepnet-go/deepnet/internal/f32"
)

// AISConfig says how AIS anneals. The zero value is Salakhutdinov and
// Murray's: 14,500 intermediate distributions, 100 runs.
type AISConfig struct {
	// Betas is the number K of steps from the base-rate model (β = 0) to
	// the RBM (β = 1), spaced as the paper's 14,500: 500/14,500 of them
	// uniform in [0, 0.5], 4,000/14,500 in [0.5, 0.9] and the rest in
	// [0.9, 1] (14,500 when 0).
	Betas int
	// Runs is the number M of independent annealing runs (100 when 0).
	Runs int
	// Seed draws the runs' samples.
	Seed uint64
}

// AISResult is an estimate of an RBM's log partition function.
type AISResult struct {
	// LogZ is the estimate, log Z_A + log r̂ with r̂ the mean importance
	// weight; Low and High are log(r̂ − 3σ̂) and log(r̂ + 3σ̂) + log Z_A,
	// σ̂² the weights' sample variance over M (Low is −Inf when 3σ̂ ≥ r̂),
	// the paper's ±3σ band.
	LogZ, Low, High float64
	// LogZBase is the base-rate model's exact log Z_A: it has the RBM's
	// hidden units, with no weights or biases, so Z_A = 2^H Π_i (1 +
	// e^base_i).
	LogZBase float64
	// LogWeights are the runs' log importance weights.
	LogWeights []float64
}

// BaseRate returns the visible biases of the base-rate model of d: an RBM
// without weights or hidden biases whose visible units are on with the data's mean
// probabilities p_i, smoothed to (p_i + 0.05)/1.1 (as Salakhutdinov's
// code smooths them, symmetrically) so that no bias is infinite.
func BaseRate(d Data) []float32 {
	n, dim := d.Len(), d.Dim()
	sum := make([]float64, dim)
	x := make([]float32, 100*dim)
	idx := make([]int, 100)
	for lo := 0; lo < n; lo += 100 {
		k := min(100, n-lo)
		for i := range k {
			idx[i] = lo + i
		}
		d.Rows(x, idx[:k])
		for i, v := range x[:k*dim] {
			sum[i%dim] += float64(v)
		}
	}
	b := make([]float32, dim)
	for i, s := range sum {
		p := (s/float64(max(n, 1)) + 0.05) / 1.1
		b[i] = float32(math.Log(p) - math.Log1p(-p))
	}
	return b
}

// Betas returns the k+1 inverse temperatures β_0 = 0 < ... < β_k = 1 of
// AISConfig.Betas = k.
func Betas(k int) []float64 {
	k = max(k, 3)
	n1 := max(1, int(math.Round(float64(k)*500/14500)))
	n2 := max(1, int(math.Round(float64(k)*4000/14500)))
	n3 := max(1, k-n1-n2)
	betas := make([]float64, 0, n1+n2+n3+1)
	for _, seg := range []struct {
		from, to float64
		n        int
	}{{0, 0.5, n1}, {0.5, 0.9, n2}, {0.9, 1, n3}} {
		for i := range seg.n {
			betas = append(betas, seg.from+(seg.to-seg.from)*float64(i)/float64(seg.n))
		}
	}
	return append(betas, 1)
}

// AIS estimates log Z of r, an RBM of binary units without labels, by
// annealed importance sampling (Salakhutdinov and Murray, "On the
// quantitative analysis of deep belief networks", 2008) from the
// base-rate model with visible biases base (BaseRate): the distributions
// p_k(v) ∝ e^((1−β_k)·base·v) · e^(β_k·vbias·v) Π_j (1 + e^(β_k·(hbias_j
// + W_j·v))), each run drawn from the base model and moved by one Gibbs
// sweep that leaves p_k invariant at every β_k. The runs are the rows of
// one batch, their draws from the seed, so the estimate does not depend
// on the number of workers.
func AIS(r *RBM, base []float32, cfg AISConfig) (*AISResult, error) {
	if r.Gaussian || r.Labels > 0 {
		return nil, fmt.Errorf("rbm: AIS anneals RBMs of binary visible units without labels")
	}
	if len(base) != r.Visible {
		return nil, fmt.Errorf("rbm: %d base-rate biases for %d visible units", len(base), r.Visible)
	}
	if cfg.Betas == 0 {
		cfg.Betas = 14500
	}
	if cfg.Runs == 0 {
		cfg.Runs = 100
	}
	betas := Betas(cfg.Betas)
	M, V, H := cfg.Runs, r.Visible, r.Hidden
	t := &aisTask{r: r, base: base, a: make([]float32, M*H), v: make([]float32, M*V), logw: make([]float64, M)}
	h, x, bias := make([]float32, M*H), make([]float32, M*V), make([]float32, V)
	s := NewSampler(cfg.Seed)

	s.At(atAIS, 0)
	for i := range M {
		copy(x[i*V:(i+1)*V], base)
	}
	f32.Sigmoid(x, x)
	s.draw(x, t.v, M, V, V, false, nil)
	for k := 1; k < len(betas); k++ {
		t.prev, t.beta = betas[k-1], betas[k]
		r.HiddenInput(t.v, M, t.a)
		f32.ParallelFor(M, t)
		if k == len(betas)-1 {
			break
		}
		// One Gibbs sweep at β_k: h given v, then v given h.
		beta := float32(t.beta)
		for i, a := range t.a {
			h[i] = beta * a
		}
		f32.Sigmoid(h, h)
		s.At(atAIS, uint64(k))
		s.draw(h, h, M, H, H, false, nil)
		for i := range bias {
			bias[i] = (1-beta)*base[i] + beta*r.VBias.Value.Data[i]
		}
		f32.Gemm(false, false, M, V, H, beta, h, H, r.W.Value.Data, V, 0, x, V)
		f32.AddRowVector(M, V, bias, x, V)
		f32.Sigmoid(x, x)
		s.draw(x, t.v, M, V, V, false, nil)
	}
	// The base model has r's hidden units, without weights or biases:
	// Z_A = 2^H Π_i (1 + e^base_i).
	res := &AISResult{LogWeights: t.logw, LogZBase: float64(H) * math.Ln2}
	for _, b := range base {
		res.LogZBase += softplus(float64(b))
	}
	res.LogZ, res.Low, res.High = meanBand(t.logw)
	res.LogZ += res.LogZBase
	res.Low += res.LogZBase
	res.High += res.LogZBase
	return res, nil
}

// aisTask adds log p*_β(v) − log p*_prev(v) to each run's log weight,
// with a the hidden inputs of the runs' states v.
type aisTask struct {
	r          *RBM
	base       []float32
	a, v       []float32
	logw       []float64
	prev, beta float64
}

// Run updates runs [lo, hi).
func (t *aisTask) Run(lo, hi int) {
	V, H := t.r.Visible, t.r.Hidden
	db := t.beta - t.prev
	for m := lo; m < hi; m++ {
		var bv, av float64 // vbias·v and base·v
		for i, x := range t.v[m*V : (m+1)*V] {
			if x != 0 {
				bv += float64(t.r.VBias.Value.Data[i])
				av += float64(t.base[i])
			}
		}
		d := db * (bv - av)
		for _, a := range t.a[m*H : (m+1)*H] {
			d += softplus(t.beta*float64(a)) - softplus(t.prev*float64(a))
		}
		t.logw[m] += d
	}
}

// meanBand returns log r̂ and log(r̂ ∓ 3σ̂) of the weights e^logw: r̂ their
// mean and σ̂² their sample variance over their number.
func meanBand(logw []float64) (mean, low, high float64) {
	m := math.Inf(-1)
	for _, l := range logw {
		m = max(m, l)
	}
	n := float64(len(logw))
	var sum, sq float64
	for _, l := range logw {
		w := math.Exp(l - m)
		sum += w
		sq += w * w
	}
	r := sum / n
	variance := max(0, (sq-n*r*r)/max(n-1, 1))
	sd := math.Sqrt(variance / n)
	low = math.Inf(-1)
	if r > 3*sd {
		low = m + math.Log(r-3*sd)
	}
	return m + math.Log(r), low, m + math.Log(r+3*sd)
}

// LogLikelihood returns the mean log-probability of d's vectors,
// −F(v) − log Z, with res's estimate of log Z, and the band its ±3σ band
// gives: the mean from −F(v) − High to −F(v) − Low.
func (res *AISResult) LogLikelihood(r *RBM, d Data) (mean, low, high float64) {
	nf := MeanNegFreeEnergy(r, d)
	return nf - res.LogZ, nf - res.High, nf - res.Low
}

// MeanNegFreeEnergy returns the mean of −F(v) over d's vectors: their mean
// log-probability is it less log Z.
func MeanNegFreeEnergy(r *RBM, d Data) float64 {
	const b = 100
	x, a, f := make([]float32, b*r.Visible), make([]float32, b*r.Hidden), make([]float64, b)
	idx := make([]int, b)
	var sum float64
	for lo := 0; lo < d.Len(); lo += b {
		n := min(b, d.Len()-lo)
		for i := range n {
			idx[i] = lo + i
		}
		d.Rows(x, idx[:n])
		r.freeEnergy(x, n, a, f)
		for _, v := range f[:n] {
			sum -= v
		}
	}
	return sum / float64(d.Len())
}
