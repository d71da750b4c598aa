package nn

import (
	"fmt"
	"math"

	"github.com/deepnet-go/deepnet/internal/f32"
)

// ActivationSpec is an element-wise activation, named by its function:
// "sigmoid", "tanh" or "relu".
type ActivationSpec struct {
	Func string
}

// activation is an element-wise function and its derivative, written in
// terms of the output y (all three functions allow it).
type activation struct {
	forward  func(x, y []float32)
	backward func(y, gy, gx []float32) // gx = gy·f'(x)
}

// activations are the functions ActivationSpec may name.
var activations = map[string]activation{
	"sigmoid": {
		forward: func(x, y []float32) {
			for i, v := range x {
				y[i] = sigmoid(v)
			}
		},
		backward: func(y, gy, gx []float32) { // σ' = y(1-y)
			for i, v := range y {
				gx[i] = gy[i] * v * (1 - v)
			}
		},
	},
	"tanh": {
		forward: func(x, y []float32) {
			for i, v := range x {
				y[i] = float32(math.Tanh(float64(v)))
			}
		},
		backward: func(y, gy, gx []float32) { // tanh' = 1-y²
			for i, v := range y {
				gx[i] = gy[i] * (1 - v*v)
			}
		},
	},
	"relu": {
		forward:  func(x, y []float32) { f32.ReLU(x, y) },                   // max(x, 0)
		backward: func(y, gy, gx []float32) { f32.ReLUBackward(y, gy, gx) }, // gy where y > 0
	},
}

var (
	sigmoidKind = activationKind("sigmoid", "the logistic function 1/(1+e^-x)")
	tanhKind    = activationKind("tanh", "the hyperbolic tangent")
	reluKind    = activationKind("relu", "rectified linear units: max(x, 0)")
)

func activationKind(name, about string) Kind {
	return Kind{Name: name, Syntax: name, About: about, Activation: true,
		Parse: noArgument(name, ActivationSpec{Func: name})}
}

// Kind returns the function's name.
func (s ActivationSpec) Kind() string { return s.Func }

func (s ActivationSpec) String() string { return s.Func }

// Validate checks that the function is known.
func (s ActivationSpec) Validate() error {
	if _, ok := activations[s.Func]; !ok {
		return fmt.Errorf("unknown activation %q", s.Func)
	}
	return nil
}

// Plan keeps the shape.
func (s ActivationSpec) Plan(in Shape) (LayerPlan, error) {
	return LayerPlan{Out: in, Floats: 2 * int64(in.Size())}, nil
}

// Build makes the ActivationLayer.
func (s ActivationSpec) Build(ctx BuildContext) (Layer, error) {
	return NewActivation(s, ctx.In, ctx.MaxBatch), nil
}

// ActivationLayer applies an element-wise function; it works on any layout
// and keeps its input's shape.
type ActivationLayer struct {
	spec     ActivationSpec
	f        activation
	shape    Shape
	maxBatch int
	y, gx    []float32
	n        int
}

// NewActivation builds the activation spec names.
func NewActivation(spec ActivationSpec, in Shape, maxBatch int) *ActivationLayer {
	f, ok := activations[spec.Func]
	if !ok {
		panic(fmt.Sprintf("nn.NewActivation: unknown activation %q", spec.Func))
	}
	return &ActivationLayer{spec: spec, f: f, shape: in, maxBatch: maxBatch,
		y: make([]float32, in.Size()*maxBatch), gx: make([]float32, in.Size()*maxBatch)}
}

// Spec returns the layer's spec.
func (l *ActivationLayer) Spec() LayerSpec { return l.spec }

// OutShape returns the input's shape.
func (l *ActivationLayer) OutShape() Shape { return l.shape }

// Params returns nil.
func (l *ActivationLayer) Params() []*Param { return nil }

// Forward: y = f(x).
func (l *ActivationLayer) Forward(x []float32, n int, train bool) []float32 {
	checkBatch(l.spec.Func, n, l.maxBatch)
	l.n = n
	y := l.y[:n*l.shape.Size()]
	l.f.forward(x[:len(y)], y)
	return y
}

// Backward: gx = gy·f'(x), from the output.
func (l *ActivationLayer) Backward(gy []float32) []float32 {
	y := l.y[:l.n*l.shape.Size()]
	gx := l.gx[:len(y)]
	l.f.backward(y, gy[:len(y)], gx)
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
