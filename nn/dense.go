package nn

import (
	"fmt"
	"math/rand/v2"
	"strings"

	"github.com/deepnet-go/deepnet/internal/f32"
	"github.com/deepnet-go/deepnet/tensor"
)

// DenseSpec is a fully-connected layer of Units units: "fc:UNITS", or
// "fc:UNITS:ACT" for the layer followed by the activation ACT ("linear":
// none).
type DenseSpec struct {
	Units int
}

var denseKind = Kind{Name: "fc", Syntax: "fc:UNITS[:ACT]", About: "fully connected; fc:100:relu is fc:100 relu",
	Parse: func(arg string, _ bool) ([]LayerSpec, error) {
		num, act, hasAct := strings.Cut(arg, ":")
		v, err := sizes(num, 1)
		if err != nil {
			return nil, err
		}
		out := []LayerSpec{DenseSpec{Units: v[0]}}
		if !hasAct || act == "linear" {
			return out, nil
		}
		k, ok := LookupKind(act)
		if !ok || !k.Activation {
			return nil, fmt.Errorf("bad activation %q (after fc: linear or %s)", act, activationNames())
		}
		a, err := k.Parse("", false)
		return append(out, a...), err
	}}

// activationNames lists the kinds "fc:UNITS:ACT" may name.
func activationNames() string {
	var names []string
	for _, k := range Kinds() {
		if k.Activation {
			names = append(names, k.Name)
		}
	}
	return strings.Join(names, ", ")
}

// Kind returns "fc".
func (s DenseSpec) Kind() string { return denseKind.Name }

func (s DenseSpec) String() string { return fmt.Sprintf("fc:%d", s.Units) }

// Validate checks the number of units.
func (s DenseSpec) Validate() error {
	if !inSize(s.Units) {
		return fmt.Errorf("fc needs 1..%d units", maxSize)
	}
	return nil
}

// Plan: any input → Units values per example, or per step of a sequence.
func (s DenseSpec) Plan(in Shape) (LayerPlan, error) { return planDense(s.Units, in), nil }

// planDense plans a fully-connected product of units outputs on in.
func planDense(units int, in Shape) LayerPlan {
	nin, steps := int64(in.Step()), float64(in.Steps())
	fwd := 2 * float64(nin) * float64(units) * steps
	return LayerPlan{Out: Shape{C: units, H: 1, W: 1, Flat: true, T: in.T},
		Params: []ParamPlan{{Name: "weight", Shape: []int{units, int(nin)}, Trained: true, Decay: true},
			{Name: "bias", Shape: []int{units}, Trained: true}},
		Floats: satMulAdd(3, int64(in.Size()), int64(units)*int64(in.Steps())),
		FLOPs:  FLOPs{Forward: fwd, ParamGrad: fwd, InputGrad: fwd},
	}
}

// Build makes the DenseLayer.
func (s DenseSpec) Build(ctx BuildContext) (Layer, error) {
	return NewDense(s, ctx.In, ctx.MaxBatch, ctx.InputGrad, ctx.Name), nil
}

// DenseLayer is a fully-connected layer: y = x·Wᵀ + b with W stored
// [out][in] as PyTorch's Linear. Image inputs [C][n][H][W] are first
// flattened to [n][C·H·W] in PyTorch's (C, H, W) order; a sequence
// [T][n][in] is T·n rows, each step multiplied by the same weights.
type DenseLayer struct {
	spec     DenseSpec
	in, out  Shape
	maxBatch int
	inGrad   bool
	// frozen skips the parameters' gradients, noInGrad the input's (see
	// Freezer and InputGradSwitch).
	frozen, noInGrad bool

	W, B *Param

	x    []float32 // last input as [rows][in]: the caller's, or flat when permuted
	n    int       // last batch size
	rows int       // n·T
	flat []float32 // [n][in] when the input is images with C > 1
	y    []float32 // [rows][out]
	gx   []float32 // [rows][in]
	gimg []float32 // [C][n][H][W] when the input is images with C > 1
}

// NewDense builds a fully-connected layer of spec.Units units.
func NewDense(spec DenseSpec, in Shape, maxBatch int, needInputGrad bool, name string) *DenseLayer {
	if err := spec.Validate(); err != nil {
		panic("nn.NewDense: " + err.Error())
	}
	nin, units := in.Step(), spec.Units
	l := &DenseLayer{
		spec: spec, in: in, out: planDense(units, in).Out, maxBatch: maxBatch, inGrad: needInputGrad,
		W: &Param{Name: name + ".weight", Value: tensor.New(units, nin), Grad: tensor.New(units, nin), Decay: true},
		B: &Param{Name: name + ".bias", Value: tensor.New(units), Grad: tensor.New(units)},
		y: make([]float32, units*in.Steps()*maxBatch),
	}
	if l.permuted() {
		l.flat = make([]float32, nin*maxBatch)
	}
	if needInputGrad {
		l.gx = make([]float32, in.Size()*maxBatch)
		if l.permuted() {
			l.gimg = make([]float32, nin*maxBatch)
		}
	}
	return l
}

// permuted reports whether the input layout [C][n][H·W] differs from [n][C·H·W].
func (l *DenseLayer) permuted() bool { return !l.in.Flat && l.in.C > 1 }

// Spec returns the layer's spec.
func (l *DenseLayer) Spec() LayerSpec { return l.spec }

// OutShape returns the flat shape of spec.Units units (per step of a
// sequence).
func (l *DenseLayer) OutShape() Shape { return l.out }

// Params returns the weights [out][in] and biases [out].
func (l *DenseLayer) Params() []*Param { return []*Param{l.W, l.B} }

// Init draws the weights and biases (network3's fan-out: the units).
func (l *DenseLayer) Init(scheme Init, _ InitContext, rng *rand.Rand) error {
	return initWeights(scheme, rng, l.W.Value.Data, l.B.Value.Data, float64(l.in.Step()), float64(l.spec.Units))
}

// Forward: x [rows][in] → y [rows][out] = x·Wᵀ + b.
func (l *DenseLayer) Forward(x []float32, n int, train bool) []float32 {
	checkBatch("fc", n, l.maxBatch)
	nin, nout, rows := l.in.Step(), l.out.C, n*l.in.Steps()
	if l.permuted() {
		hw := l.in.H * l.in.W
		for c := 0; c < l.in.C; c++ {
			for img := 0; img < n; img++ {
				copy(l.flat[img*nin+c*hw:img*nin+(c+1)*hw], x[(c*n+img)*hw:(c*n+img+1)*hw])
			}
		}
		x = l.flat
	}
	l.x, l.n, l.rows = x[:rows*nin], n, rows
	y := l.y[:rows*nout]
	for i := 0; i < rows; i++ {
		copy(y[i*nout:(i+1)*nout], l.B.Value.Data)
	}
	f32.Gemm(false, true, rows, nout, nin, 1, x, nin, l.W.Value.Data, nin, 1, y, nout)
	return y
}

// SetFrozen(true) makes Backward leave the parameters' gradients as they
// are (no gW product): see Freezer.
func (l *DenseLayer) SetFrozen(on bool) { l.frozen = on }

// SetInputGrad(false) makes Backward skip gx and return nil; true restores
// the layer as it was built: see InputGradSwitch.
func (l *DenseLayer) SetInputGrad(on bool) { l.noInGrad = !on }

// Backward: gW = gyᵀ·x, gb = Σ_rows gy (unless frozen), gx = gy·W.
func (l *DenseLayer) Backward(gy []float32) []float32 {
	n, rows, nin, nout := l.n, l.rows, l.in.Step(), l.out.C
	if !l.frozen {
		f32.Gemm(true, false, nout, nin, rows, 1, gy, nout, l.x, nin, 0, l.W.Grad.Data, nin)
		gb := l.B.Grad.Data
		copy(gb, gy[:nout])
		for i := 1; i < rows; i++ {
			f32.Axpy(1, gy[i*nout:(i+1)*nout], gb) // gb[j] += 1·v = v exactly
		}
	}
	if !l.inGrad || l.noInGrad {
		return nil
	}
	gx := l.gx[:rows*nin]
	f32.Gemm(false, false, rows, nin, nout, 1, gy, nout, l.W.Value.Data, nin, 0, gx, nin)
	if !l.permuted() {
		return gx
	}
	hw := l.in.H * l.in.W
	for c := 0; c < l.in.C; c++ {
		for img := 0; img < n; img++ {
			copy(l.gimg[(c*n+img)*hw:(c*n+img+1)*hw], gx[img*nin+c*hw:img*nin+(c+1)*hw])
		}
	}
	return l.gimg[:n*nin]
}
