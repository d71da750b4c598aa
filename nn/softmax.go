package nn

import (
	"fmt"
	"math"
)

// SoftmaxLayer turns each row of logits [n][K] into probabilities. It is the
// last layer of every network; with the log-likelihood cost its gradient is
// computed in one fused step by LossGrad.
type SoftmaxLayer struct {
	spec     LayerSpec
	shape    Shape
	maxBatch int
	y, gx    []float32
	n        int
}

// NewSoftmax builds the softmax over K = in.Size() classes.
func NewSoftmax(spec LayerSpec, in Shape, maxBatch int) *SoftmaxLayer {
	return &SoftmaxLayer{spec: spec, shape: Shape{C: in.Size(), H: 1, W: 1, Flat: true}, maxBatch: maxBatch,
		y: make([]float32, in.Size()*maxBatch), gx: make([]float32, in.Size()*maxBatch)}
}

// Spec returns the layer's spec.
func (l *SoftmaxLayer) Spec() LayerSpec { return l.spec }

// OutShape returns K classes.
func (l *SoftmaxLayer) OutShape() Shape { return l.shape }

// Params returns nil: the weights are in the fully-connected layer before.
func (l *SoftmaxLayer) Params() []*Param { return nil }

// Forward: y[i][k] = exp(z[i][k] - max_k z[i]) / Σ_k exp(...).
func (l *SoftmaxLayer) Forward(z []float32, n int, train bool) []float32 {
	checkBatch("softmax", n, l.maxBatch)
	l.n = n
	k := l.shape.C
	for i := 0; i < n; i++ {
		row, out := z[i*k:(i+1)*k], l.y[i*k:(i+1)*k]
		m := row[0]
		for _, v := range row[1:] {
			m = max(m, v)
		}
		var s float64
		for j, v := range row {
			e := math.Exp(float64(v - m))
			out[j] = float32(e)
			s += e
		}
		inv := float32(1 / s)
		for j := range out {
			out[j] *= inv
		}
	}
	return l.y[:n*k]
}

// Backward is the general Jacobian product gx = y ⊙ (gy - Σ gy·y). Training
// uses LossGrad instead.
func (l *SoftmaxLayer) Backward(gy []float32) []float32 {
	k := l.shape.C
	for i := 0; i < l.n; i++ {
		y, g, gx := l.y[i*k:(i+1)*k], gy[i*k:(i+1)*k], l.gx[i*k:(i+1)*k]
		var dot float32
		for j := range y {
			dot += g[j] * y[j]
		}
		for j := range y {
			gx[j] = y[j] * (g[j] - dot)
		}
	}
	return l.gx[:l.n*k]
}

// LossGrad returns the mean cross-entropy of the probabilities of the last
// Forward against targets t, and writes its gradient with respect to the
// logits, (y - t)/n, into gz. With smoothing ε = 0, t is onehot(label) and
// the cost network3's negative log-likelihood; with ε > 0 it is label
// smoothing's t = (1-ε)·onehot(label) + ε/K (Szegedy et al. 2016; PyTorch's
// CrossEntropyLoss(label_smoothing=ε)). It panics on a label outside
// [0, K): data are checked before they reach a network.
func (l *SoftmaxLayer) LossGrad(labels []int, gz []float32, smoothing float64) float64 {
	k, n := l.shape.C, l.n
	if len(labels) < n {
		panic(fmt.Sprintf("nn: softmax: %d labels for a batch of %d", len(labels), n))
	}
	if !(smoothing >= 0 && smoothing < 1) {
		panic(fmt.Sprintf("nn: softmax: label smoothing %v outside [0, 1)", smoothing))
	}
	var cost float64
	inv := 1 / float32(n)
	off := smoothing / float64(k) // every class's share of ε
	goff := float32(off) * inv
	for i := 0; i < n; i++ {
		lab := labels[i]
		if lab < 0 || lab >= k {
			panic(fmt.Sprintf("nn: softmax: label %d outside [0, %d)", lab, k))
		}
		y := l.y[i*k : (i+1)*k]
		g := gz[i*k : (i+1)*k]
		cost -= (1 - smoothing) * math.Log(math.Max(float64(y[lab]), 1e-30))
		for j, v := range y {
			g[j] = v*inv - goff
		}
		if smoothing > 0 {
			for _, v := range y {
				cost -= off * math.Log(math.Max(float64(v), 1e-30))
			}
		}
		g[lab] -= float32(1-smoothing) * inv
	}
	return cost / float64(n)
}

// LossGradSoft returns the mean cross-entropy -Σ_k t[i][k]·log y[i][k] of
// the probabilities of the last Forward against the target distributions
// targets [n][K] (each row non-negative, summing to 1), and writes its
// gradient with respect to the logits, (y - t)/n, into gz. Distillation
// trains on a teacher's probabilities this way.
func (l *SoftmaxLayer) LossGradSoft(targets []float32, gz []float32) float64 {
	k, n := l.shape.C, l.n
	if len(targets) < n*k {
		panic(fmt.Sprintf("nn: softmax: %d target values for a batch of %d×%d", len(targets), n, k))
	}
	var cost float64
	inv := 1 / float32(n)
	for i := 0; i < n*k; i++ {
		y, t := l.y[i], targets[i]
		if t != 0 {
			cost -= float64(t) * math.Log(math.Max(float64(y), 1e-30))
		}
		gz[i] = (y - t) * inv
	}
	return cost / float64(n)
}
