package f32

import (
	"fmt"
	"math"
)

// Adaptive update kernels: Adam's and RMSprop's step over one parameter
// tensor, as PyTorch's torch.optim.Adam and torch.optim.RMSprop (single
// tensor path, L2 weight decay added to the gradient) compute it element by
// element: every product, quotient and sum rounded to float32 in the order
// of the Ref twins, no fused multiply-add. The scalars that depend on the
// step (Adam's bias corrections) are the caller's, computed once per step.
// Split among the workers above elemGrain floats; the split changes
// nothing, since every element is computed on its own.

// AdamScalars are the float32 constants of one Adam step of one tensor,
// each as PyTorch passes it to its float32 kernels (a float64 value
// rounded once).
type AdamScalars struct {
	// Decay is the L2 coefficient added to the gradient (λ/B; 0 for
	// parameters without weight decay).
	Decay float32
	// Beta1, Beta2 are β1, β2; OneMinusBeta1, OneMinusBeta2 are 1-β1 and
	// 1-β2 computed in float64, then rounded.
	Beta1, Beta2, OneMinusBeta1, OneMinusBeta2 float32
	// Rate is the step size η/(1-β1^t) and SqrtCorrection2 is
	// √(1-β2^t), for the t-th step.
	Rate, SqrtCorrection2 float32
	// Eps is ε, added to the bias-corrected √v.
	Eps float32
}

// adaptiveTask is one AdamUpdate or RMSpropUpdate job.
type adaptiveTask struct {
	w, g, m, v []float32 // m nil: RMSprop
	s          AdamScalars
	// RMSprop's: lr, decay, alpha, 1-alpha, eps.
	lr, decay, alpha, oneMinusAlpha, eps float32
}

// Run updates elements [lo, hi).
func (t *adaptiveTask) Run(lo, hi int) {
	if t.m == nil {
		rmspropUpdate(t.w[lo:hi], t.g[lo:hi], t.v[lo:hi], t.lr, t.decay, t.alpha, t.oneMinusAlpha, t.eps)
		return
	}
	adamUpdate(t.w[lo:hi], t.g[lo:hi], t.m[lo:hi], t.v[lo:hi], &t.s)
}

func runAdaptive(t adaptiveTask) {
	if p, chunks := tryPool(len(t.w), elemGrain); p != nil {
		p.jobs.adaptive = t
		p.runFor(&p.jobs.adaptive, len(t.w), chunks)
		p.jobs.adaptive = adaptiveTask{}
		return
	}
	t.Run(0, len(t.w))
}

// AdamUpdate is one step of Adam over the weights w with gradients g,
// first moments m and second moments v: with d = g[i] + Decay·w[i],
//
//	m[i] = β1·m[i] + (1-β1)·d
//	v[i] = β2·v[i] + ((1-β2)·d)·d
//	w[i] = w[i] - (Rate·m[i]) / (√v[i]/SqrtCorrection2 + Eps)
//
// (see AdamUpdateRef for the rounding).
func AdamUpdate(w, g, m, v []float32, s AdamScalars) {
	if len(g) != len(w) || len(m) != len(w) || len(v) != len(w) {
		panic(fmt.Sprintf("f32.AdamUpdate: %d weights, %d gradients, %d first and %d second moments", len(w), len(g), len(m), len(v)))
	}
	runAdaptive(adaptiveTask{w: w, g: g, m: m, v: v, s: s})
}

// RMSpropUpdate is one step of RMSprop (not centred, no momentum) over
// the weights w with gradients g and mean squares v: with
// d = g[i] + decay·w[i],
//
//	v[i] = alpha·v[i] + (oneMinusAlpha·d)·d
//	w[i] = w[i] - (lr·d) / (√v[i] + eps)
//
// (see RMSpropUpdateRef for the rounding).
func RMSpropUpdate(w, g, v []float32, lr, decay, alpha, oneMinusAlpha, eps float32) {
	if len(g) != len(w) || len(v) != len(w) {
		panic(fmt.Sprintf("f32.RMSpropUpdate: %d weights, %d gradients, %d mean squares", len(w), len(g), len(v)))
	}
	runAdaptive(adaptiveTask{w: w, g: g, v: v, lr: lr, decay: decay, alpha: alpha, oneMinusAlpha: oneMinusAlpha, eps: eps})
}

// AdamUpdateRef is the reference AdamUpdate. Each conversion to float32
// is a rounding (and keeps a compiler from fusing a multiply and an
// add); sqrt is correctly rounded in float64, hence in float32.
func AdamUpdateRef(w, g, m, v []float32, s AdamScalars) {
	for i := range w {
		d := g[i] + float32(s.Decay*w[i])
		mi := float32(s.Beta1*m[i]) + float32(s.OneMinusBeta1*d)
		vi := float32(s.Beta2*v[i]) + float32(float32(s.OneMinusBeta2*d)*d)
		den := float32(sqrt32(vi)/s.SqrtCorrection2) + s.Eps
		m[i], v[i] = mi, vi
		w[i] -= float32(s.Rate*mi) / den
	}
}

// RMSpropUpdateRef is the reference RMSpropUpdate.
func RMSpropUpdateRef(w, g, v []float32, lr, decay, alpha, oneMinusAlpha, eps float32) {
	for i := range w {
		d := g[i] + float32(decay*w[i])
		vi := float32(alpha*v[i]) + float32(float32(oneMinusAlpha*d)*d)
		den := sqrt32(vi) + eps
		v[i] = vi
		w[i] -= float32(lr*d) / den
	}
}

// sqrt32 is the correctly rounded float32 square root of x.
func sqrt32(x float32) float32 { return float32(math.Sqrt(float64(x))) }

// SumSquares returns Σx[i]² in float64 (gradient clipping's squared
// norm), in the lane order of BatchNormSumsRef: bit-identical to
// SumSquaresRef, whatever the kernel set.
func SumSquares(x []float32) float64 {
	_, q := BatchNormSums(x, x)
	return q
}

// SumSquaresRef is the reference SumSquares.
func SumSquaresRef(x []float32) float64 {
	_, q := BatchNormSumsRef(x, x)
	return q
}
