package nn

import (
	"math"

	"github.com/deepnet-go/deepnet/internal/f32"
)

// ActivationLayer applies sigmoid, tanh or ReLU element-wise; it works on
// any layout and keeps its input's shape.
type ActivationLayer struct {
	spec     LayerSpec
	shape    Shape
	maxBatch int
	y, gx    []float32
	n        int
}

// NewActivation builds an activation of spec.Kind Sigmoid, Tanh or ReLU.
func NewActivation(spec LayerSpec, in Shape, maxBatch int) *ActivationLayer {
	return &ActivationLayer{spec: spec, shape: in, maxBatch: maxBatch,
		y: make([]float32, in.Size()*maxBatch), gx: make([]float32, in.Size()*maxBatch)}
}

// Spec returns the layer's spec.
func (l *ActivationLayer) Spec() LayerSpec { return l.spec }

// OutShape returns the input's shape.
func (l *ActivationLayer) OutShape() Shape { return l.shape }

// Params returns nil.
func (l *ActivationLayer) Params() []*Param { return nil }

// Forward: y = σ(x), tanh(x) or max(x, 0).
func (l *ActivationLayer) Forward(x []float32, n int, train bool) []float32 {
	checkBatch(string(l.spec.Kind), n, l.maxBatch)
	l.n = n
	y := l.y[:n*l.shape.Size()]
	x = x[:len(y)]
	switch l.spec.Kind {
	case Sigmoid:
		for i, v := range x {
			y[i] = sigmoid(v)
		}
	case Tanh:
		for i, v := range x {
			y[i] = float32(math.Tanh(float64(v)))
		}
	case ReLU:
		f32.ReLU(x, y) // max(v, 0)
	default:
		panic("nn: unknown activation " + string(l.spec.Kind))
	}
	return y
}

// Backward uses the output: σ' = y(1-y), tanh' = 1-y², ReLU' = [y > 0].
func (l *ActivationLayer) Backward(gy []float32) []float32 {
	y := l.y[:l.n*l.shape.Size()]
	gx := l.gx[:len(y)]
	gy = gy[:len(y)]
	switch l.spec.Kind {
	case Sigmoid:
		for i, v := range y {
			gx[i] = gy[i] * v * (1 - v)
		}
	case Tanh:
		for i, v := range y {
			gx[i] = gy[i] * (1 - v*v)
		}
	case ReLU:
		f32.ReLUBackward(y, gy, gx) // gy where y > 0
	}
	return gx
}

// sigmoid is 1/(1+e^-x), computed without overflow for large |x|.
func sigmoid(x float32) float32 {
	if x >= 0 {
		return float32(1 / (1 + math.Exp(-float64(x))))
	}
	e := math.Exp(float64(x))
	return float32(e / (1 + e))
}
