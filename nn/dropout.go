package nn

import (
	"math"
	"math/rand/v2"
)

// DropoutLayer zeroes each input with probability P during training and
// scales the kept ones by 1/(1-P) ("inverted" dropout); at inference it is
// the identity. In expectation this equals network3, which drops without
// scaling in training and scales the next layer's weights by (1-P) at
// inference. The mask comes from the layer's own seeded generator, so a seed
// fixes every mask of a run.
type DropoutLayer struct {
	spec     LayerSpec
	shape    Shape
	maxBatch int
	// Source is the generator of the masks; its state is part of a
	// checkpoint.
	Source *rand.PCG
	mask   []float32 // 0 or 1/(1-P) per value of the last training batch
	y, gx  []float32
	n      int
	train  bool
}

// NewDropout builds a dropout layer whose masks are drawn from a PCG seeded
// with (seed, stream).
func NewDropout(spec LayerSpec, in Shape, maxBatch int, seed, stream uint64) *DropoutLayer {
	src := rand.NewPCG(seed, stream)
	size := in.Size() * maxBatch
	return &DropoutLayer{spec: spec, shape: in, maxBatch: maxBatch, Source: src,
		mask: make([]float32, size), y: make([]float32, size), gx: make([]float32, size)}
}

// Spec returns the layer's spec.
func (l *DropoutLayer) Spec() LayerSpec { return l.spec }

// OutShape returns the input's shape.
func (l *DropoutLayer) OutShape() Shape { return l.shape }

// Params returns nil.
func (l *DropoutLayer) Params() []*Param { return nil }

// Forward masks x in training and returns x itself at inference.
func (l *DropoutLayer) Forward(x []float32, n int, train bool) []float32 {
	checkBatch("dropout", n, l.maxBatch)
	l.n, l.train = n, train
	if !train || l.spec.P == 0 {
		return x[:n*l.shape.Size()]
	}
	keep := 1 - l.spec.P
	scale := float32(1 / keep)
	// Keep a value when a uniform 32-bit number is below keep·2³²; one
	// 64-bit draw decides two values (low half first). The mask is made
	// without a branch, which random bits would mispredict half the time.
	threshold := uint64(keep * (1 << 32))
	sb := math.Float32bits(scale)
	y, mask := l.y[:n*l.shape.Size()], l.mask[:n*l.shape.Size()]
	x = x[:len(y)]
	i := 0
	for ; i+1 < len(y); i += 2 {
		bits := l.Source.Uint64()
		m0, m1 := keepMask(bits&0xffffffff, threshold, sb), keepMask(bits>>32, threshold, sb)
		mask[i], mask[i+1] = m0, m1
		y[i], y[i+1] = x[i]*m0, x[i+1]*m1
	}
	if i < len(y) {
		m := keepMask(l.Source.Uint64()&0xffffffff, threshold, sb)
		mask[i], y[i] = m, x[i]*m
	}
	return y
}

// keepMask returns the float32 whose bits are sb when v < threshold (both
// below 2³² + 1), else +0.
func keepMask(v, threshold uint64, sb uint32) float32 {
	lt := uint32((v - threshold) >> 63) // 1 when v < threshold
	return math.Float32frombits(-lt & sb)
}

// Backward applies the same mask to the gradient.
func (l *DropoutLayer) Backward(gy []float32) []float32 {
	size := l.n * l.shape.Size()
	if !l.train || l.spec.P == 0 {
		return gy[:size]
	}
	gx := l.gx[:size]
	for i, m := range l.mask[:size] {
		gx[i] = gy[i] * m
	}
	return gx
}
