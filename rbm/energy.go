package rbm

import (
	"fmt"
	"math"

	"github.com/deepnet-go/deepnet/internal/f32"
)

// softplus returns log(1 + eˣ) without overflow.
func softplus(x float64) float64 {
	if x > 0 {
		return x + math.Log1p(math.Exp(-x))
	}
	return math.Log1p(math.Exp(x))
}

// FreeEnergy returns F(v) of each of the n visible vectors v, in float64:
// the energy of v with the hidden units summed out, p(v) = e^−F(v)/Z,
//
//	F(v) = −vbias·v − Σ_j log(1 + e^(hbias_j + W_j·v))
//
// with ½‖v − vbias‖² in place of −vbias·v for Gaussian units (the labels
// keep −vbias·v).
func (r *RBM) FreeEnergy(v []float32, n int) []float64 {
	a := make([]float32, n*r.Hidden)
	f := make([]float64, n)
	r.freeEnergy(v, n, a, f)
	return f
}

// freeEnergy is FreeEnergy into f[:n], with a[n][Hidden] for the hidden
// inputs.
func (r *RBM) freeEnergy(v []float32, n int, a []float32, f []float64) {
	r.HiddenInput(v, n, a)
	for i := range n {
		f[i] = r.visibleEnergy(v[i*r.Visible:(i+1)*r.Visible]) - sumSoftplus(a[i*r.Hidden:(i+1)*r.Hidden], 1)
	}
}

// visibleEnergy is the visible units' part of F(v): −vbias·v, or
// ½‖v − vbias‖² over the Gaussian ones.
func (r *RBM) visibleEnergy(v []float32) float64 {
	var e float64
	for i, b := range r.VBias.Value.Data {
		x, b := float64(v[i]), float64(b)
		if r.Gaussian && i < r.binary() {
			e += 0.5 * (x - b) * (x - b)
		} else {
			e -= b * x
		}
	}
	return e
}

// sumSoftplus returns Σ softplus(beta·a_j).
func sumSoftplus(a []float32, beta float64) float64 {
	var s float64
	for _, x := range a {
		s += softplus(beta * float64(x))
	}
	return s
}

// MaxExactHidden is the most hidden units ExactLogZ enumerates: 2^20
// configurations.
const MaxExactHidden = 20

// ExactLogZ returns log Z, the log of the partition function, exactly (up
// to float64 rounding) by summing over the 2^Hidden states of the hidden
// units, whose visible units sum out in closed form:
//
//	Z = Σ_h e^(hbias·h) Π_i (1 + e^(x_i)),   x = vbias + Wᵀh
//
// (binary units; a label group gives Σ_l e^(x_l), and Gaussian units
// (2π)^(1/2) e^(x_i²/2 − vbias_i²/2) each). The sum is log-sum-exp, in
// blocks of hidden states that the workers share, each block from an
// exact x, then in a fixed order. It refuses more than MaxExactHidden
// hidden units.
func ExactLogZ(r *RBM) (float64, error) {
	H := r.Hidden
	if H > MaxExactHidden {
		return 0, fmt.Errorf("rbm: the exact partition function sums over 2^%d hidden states; at most %d hidden units", H, MaxExactHidden)
	}
	low := min(H, 10) // states within a block: the low bits
	t := &exactTask{r: r, low: low, logs: make([]float64, 1<<(H-low))}
	f32.ParallelFor(len(t.logs), t)
	return logSumExp(t.logs), nil
}

// exactTask sums blocks of 2^low hidden states: block k has the high bits
// k.
type exactTask struct {
	r    *RBM
	low  int
	logs []float64 // log of each block's sum
}

// Run sums blocks [lo, hi).
func (t *exactTask) Run(lo, hi int) {
	r := t.r
	H, V := r.Hidden, r.Visible
	W, c := r.W.Value.Data, r.HBias.Value.Data
	x := make([]float64, V)
	terms := make([]float64, 1<<t.low)
	for k := lo; k < hi; k++ {
		// x and hbias·h for h = the block's high bits, low bits zero.
		for i, b := range r.VBias.Value.Data {
			x[i] = float64(b)
		}
		var ch float64
		for j := t.low; j < H; j++ {
			if k>>(j-t.low)&1 == 1 {
				ch += float64(c[j])
				for i, w := range W[j*V : (j+1)*V] {
					x[i] += float64(w)
				}
			}
		}
		// The low bits in Gray code order: one unit flips per state.
		prev := 0
		for g := range terms {
			gray := g ^ g>>1
			if d := gray ^ prev; d != 0 {
				j := bitIndex(d)
				sign := 1.0
				if gray&d == 0 {
					sign = -1
				}
				ch += sign * float64(c[j])
				for i, w := range W[j*V : (j+1)*V] {
					x[i] += sign * float64(w)
				}
			}
			prev = gray
			terms[g] = ch + r.logVisibleSum(x)
		}
		t.logs[k] = logSumExp(terms)
	}
}

// bitIndex returns the index of the one set bit of d.
func bitIndex(d int) int {
	j := 0
	for d > 1 {
		d >>= 1
		j++
	}
	return j
}

// logVisibleSum returns the log of the visible units summed (or
// integrated) out given their total inputs x = vbias + Wᵀh.
func (r *RBM) logVisibleSum(x []float64) float64 {
	B := r.binary()
	var s float64
	for i, xi := range x[:B] {
		if r.Gaussian {
			b := float64(r.VBias.Value.Data[i])
			s += 0.5*math.Log(2*math.Pi) + 0.5*(xi*xi-b*b)
		} else {
			s += softplus(xi)
		}
	}
	if r.Labels > 0 {
		s += logSumExp(x[B:])
	}
	return s
}

// logSumExp returns log Σ e^(x_i), stable (−Inf for none).
func logSumExp(x []float64) float64 {
	m := math.Inf(-1)
	for _, v := range x {
		m = max(m, v)
	}
	if math.IsInf(m, 0) {
		return m
	}
	var s float64
	for _, v := range x {
		s += math.Exp(v - m)
	}
	return m + math.Log(s)
}
