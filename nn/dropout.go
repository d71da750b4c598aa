package nn

import (
	"fmt"
	"math"
	"math/rand/v2"
	"strconv"
	"strings"
)

// DropoutSpec is dropout: "dropout:P" drops each value with probability P
// in training and scales the kept ones by 1/(1-P) ("inverted" dropout, as
// PyTorch's); "dropout:P:network3" is network3.py's, which keeps values
// unscaled in training and scales every value by 1-P at inference.
type DropoutSpec struct {
	P float64
	// ScaleAtInference selects network3.py's mode: kept values are not
	// scaled in training, and every value is multiplied by 1-P at
	// inference.
	ScaleAtInference bool
}

var dropoutKind = Kind{Name: "dropout", Syntax: "dropout:P[:network3]", TrainOnly: true,
	About: "drop each value with probability P in training; network3 scales by 1-P at inference instead",
	Parse: func(arg string, _ bool) ([]LayerSpec, error) {
		prob, mode, hasMode := strings.Cut(arg, ":")
		if hasMode && mode != "network3" {
			return nil, fmt.Errorf("dropout mode %q unknown; the only mode is network3", mode)
		}
		p, err := strconv.ParseFloat(prob, 64)
		if err != nil || !(p >= 0 && p < 1) {
			return nil, fmt.Errorf("dropout probability %q not a number in [0, 1)", prob)
		}
		return []LayerSpec{DropoutSpec{P: p, ScaleAtInference: hasMode}}, nil
	}}

// Kind returns "dropout".
func (s DropoutSpec) Kind() string { return dropoutKind.Name }

func (s DropoutSpec) String() string {
	t := "dropout:" + strconv.FormatFloat(s.P, 'g', -1, 64)
	if s.ScaleAtInference {
		t += ":network3"
	}
	return t
}

// Validate checks that P is in [0, 1).
func (s DropoutSpec) Validate() error {
	if !(s.P >= 0 && s.P < 1) {
		return fmt.Errorf("dropout probability %v not in [0, 1)", s.P)
	}
	return nil
}

// Plan keeps the shape.
func (s DropoutSpec) Plan(in Shape) (LayerPlan, error) {
	return LayerPlan{Out: in, Floats: 3 * int64(in.Size())}, nil
}

// Build makes the DropoutLayer, its masks drawn from (seed, 1000+index).
func (s DropoutSpec) Build(ctx BuildContext) (Layer, error) {
	return NewDropout(s, ctx.In, ctx.MaxBatch, ctx.Seed, uint64(1000+ctx.Index)), nil
}

// DropoutLayer zeroes each input with probability P during training. By
// default it scales the kept ones by 1/(1-P) ("inverted" dropout) and is the
// identity at inference. With the spec's ScaleAtInference it is
// network3.py's dropout: kept values pass unscaled in training, and
// inference multiplies every value by 1-P (network3 scales the next layer's
// weights, not its bias, by 1-P: the same function).
//
// The two modes are the same model up to a rescaling of the next layer's
// weights, but not the same SGD: inverted dropout's weights V stand for
// network3's (1-P)·W, and a step of rate η on V is a step of rate η/(1-P)²
// on W, from an initialisation 1/(1-P) times as wide. At P = 0.5 that is
// 4× the book's rate, which is why the book's dropout preset uses the
// network3 mode.
//
// The mask comes from the layer's own seeded generator, so a seed fixes
// every mask of a run; both modes draw the same masks.
type DropoutLayer struct {
	spec     DropoutSpec
	shape    Shape
	maxBatch int
	// Source is the generator of the masks; its state is part of a
	// checkpoint.
	Source *rand.PCG
	mask   []float32 // 0 or the kept scale per value of the last training batch
	y, gx  []float32
	n      int
	train  bool

	// testMask, set only by tests, replaces the masks drawn from Source:
	// training Forward keeps value i when testMask[i] is 1 (0 drops it),
	// with the mode's scale, and draws nothing.
	testMask []float32
}

// NewDropout builds a dropout layer whose masks are drawn from a PCG seeded
// with (seed, stream).
func NewDropout(spec DropoutSpec, in Shape, maxBatch int, seed, stream uint64) *DropoutLayer {
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

// MarshalState returns the state of the masks' generator (see Stateful).
func (l *DropoutLayer) MarshalState() ([]byte, error) { return l.Source.MarshalBinary() }

// UnmarshalState restores the masks' generator.
func (l *DropoutLayer) UnmarshalState(b []byte) error { return l.Source.UnmarshalBinary(b) }

// Forward masks x in training. At inference it returns x itself, or x·(1-P)
// in the network3 mode.
func (l *DropoutLayer) Forward(x []float32, n int, train bool) []float32 {
	checkBatch("dropout", n, l.maxBatch)
	l.n, l.train = n, train
	size := n * l.shape.Size()
	if l.spec.P == 0 {
		return x[:size]
	}
	keep := 1 - l.spec.P
	if !train {
		if !l.spec.ScaleAtInference {
			return x[:size]
		}
		y, k := l.y[:size], float32(keep)
		for i, v := range x[:size] {
			y[i] = v * k
		}
		return y
	}
	scale := float32(1 / keep)
	if l.spec.ScaleAtInference {
		scale = 1
	}
	// Keep a value when a uniform 32-bit number is below keep·2³²; one
	// 64-bit draw decides two values (low half first). The mask is made
	// without a branch, which random bits would mispredict half the time.
	threshold := uint64(keep * (1 << 32))
	sb := math.Float32bits(scale)
	y, mask := l.y[:size], l.mask[:size]
	x = x[:len(y)]
	if l.testMask != nil {
		for i, m := range l.testMask[:size] {
			mask[i] = m * scale
			y[i] = x[i] * mask[i]
		}
		return y
	}
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

// Backward applies the forward pass's mask to the gradient, or after an
// inference pass the derivative of inference: 1, or 1-P in the network3
// mode.
func (l *DropoutLayer) Backward(gy []float32) []float32 {
	size := l.n * l.shape.Size()
	if l.spec.P == 0 || (!l.train && !l.spec.ScaleAtInference) {
		return gy[:size]
	}
	gx := l.gx[:size]
	if !l.train {
		k := float32(1 - l.spec.P)
		for i, g := range gy[:size] {
			gx[i] = g * k
		}
		return gx
	}
	for i, m := range l.mask[:size] {
		gx[i] = gy[i] * m
	}
	return gx
}
