package nn

import (
	"fmt"
	"math/rand/v2"
	"strconv"
	"strings"

	"github.com/deepnet-go/deepnet/internal/f32"
	"github.com/deepnet-go/deepnet/tensor"
)

// ConvSpec is a convolutional layer: "conv:MAPSxKHxKW[/STRIDE]".
type ConvSpec struct {
	// Maps is the number of feature maps, KH×KW the local receptive field.
	Maps, KH, KW int
	// Stride is the step between receptive fields (1 when 0).
	Stride int
}

var convKind = Kind{Name: "conv", Syntax: "conv:MAPSxKHxKW[/STRIDE]",
	About: "convolution: local receptive fields, shared weights and biases, \"valid\" borders",
	Parse: func(arg string, _ bool) ([]LayerSpec, error) {
		dims, stride, hasStride := strings.Cut(arg, "/")
		v, err := sizes(dims, 3)
		if err != nil {
			return nil, err
		}
		s := ConvSpec{Maps: v[0], KH: v[1], KW: v[2], Stride: 1}
		if hasStride {
			if s.Stride, err = strconv.Atoi(stride); err != nil || s.Stride < 1 || s.Stride > maxSize {
				return nil, fmt.Errorf("bad stride %q", stride)
			}
		}
		return []LayerSpec{s}, nil
	}}

// Kind returns "conv".
func (s ConvSpec) Kind() string { return convKind.Name }

func (s ConvSpec) String() string {
	t := fmt.Sprintf("conv:%dx%dx%d", s.Maps, s.KH, s.KW)
	if s.Stride > 1 {
		t += fmt.Sprintf("/%d", s.Stride)
	}
	return t
}

// Validate checks that the sizes are positive.
func (s ConvSpec) Validate() error {
	if !inSize(s.Maps) || !inSize(s.KH) || !inSize(s.KW) || s.Stride < 0 || s.Stride > maxSize {
		return fmt.Errorf("conv needs maps, kernel and stride in 1..%d", maxSize)
	}
	return nil
}

func (s ConvSpec) stride() int { return max(s.Stride, 1) }

// Window returns the KH×KW receptive field and the stride (see Window).
func (s ConvSpec) Window() (kh, kw, sh, sw int) { return s.KH, s.KW, s.stride(), s.stride() }

// Plan: [C][H][W] → [Maps][(H-KH)/stride+1][(W-KW)/stride+1].
func (s ConvSpec) Plan(in Shape) (LayerPlan, error) {
	if err := imagesIn(s, in); err != nil {
		return LayerPlan{}, err
	}
	if in.H < s.KH || in.W < s.KW {
		return LayerPlan{}, fmt.Errorf("%s: input %s is smaller than the %d×%d kernel", s, in, s.KH, s.KW)
	}
	out := Shape{C: s.Maps, H: (in.H-s.KH)/s.stride() + 1, W: (in.W-s.KW)/s.stride() + 1}
	k, pixels := int64(in.C*s.KH*s.KW), int64(out.H*out.W)
	fwd := 2 * float64(k) * float64(pixels) * float64(s.Maps)
	return LayerPlan{Out: out,
		Params: []ParamPlan{{Name: "weight", Shape: []int{s.Maps, in.C, s.KH, s.KW}, Trained: true, Decay: true},
			{Name: "bias", Shape: []int{s.Maps}, Trained: true}},
		Floats: satMulAdd(k, pixels, 2*int64(in.Size())+int64(out.Size())), // col, gx and the input; y
		FLOPs:  FLOPs{Forward: fwd, ParamGrad: fwd, InputGrad: fwd},
	}, nil
}

// Build makes the ConvLayer.
func (s ConvSpec) Build(ctx BuildContext) (Layer, error) {
	return NewConv(s, ctx.In, ctx.MaxBatch, ctx.InputGrad, ctx.Name)
}

// ConvLayer is a convolution with local receptive fields of KH×KW pixels,
// shared weights and one shared bias per feature map, "valid" borders and a
// stride. It computes, as the book's equation (a cross-correlation):
//
//	y[f][n][i][j] = b[f] + Σ_{c,l,m} w[f][c][l][m] · x[c][n][i·s+l][j·s+m]
//
// as one matrix product per mini-batch: W[F, C·KH·KW] · col[C·KH·KW, N·OH·OW].
// Weights are stored [F][C][KH][KW], as PyTorch's Conv2d.
type ConvLayer struct {
	spec     ConvSpec
	in, out  Shape
	maxBatch int
	inGrad   bool
	// frozen skips the parameters' gradients, noInGrad the input's (see
	// Freezer and InputGradSwitch).
	frozen, noInGrad bool

	W, B *Param

	x   []float32 // last input, [C][n][H][W] (not owned)
	n   int       // last batch size
	col []float32 // [C·KH·KW][n·OH·OW]
	y   []float32 // [F][n][OH][OW]
	gx  []float32 // [C][n][H][W]
}

// NewConv builds a convolution for inputs of shape in (images, not flat).
// needInputGrad false skips computing dCost/dInput (for a first layer).
func NewConv(spec ConvSpec, in Shape, maxBatch int, needInputGrad bool, name string) (*ConvLayer, error) {
	if err := spec.Validate(); err != nil {
		return nil, err
	}
	spec.Stride = spec.stride()
	p, err := spec.Plan(in)
	if err != nil {
		return nil, err
	}
	out := p.Out
	k := in.C * spec.KH * spec.KW
	l := &ConvLayer{
		spec: spec, in: in, out: out, maxBatch: maxBatch, inGrad: needInputGrad,
		W:   &Param{Name: name + ".weight", Value: tensor.New(spec.Maps, in.C, spec.KH, spec.KW), Grad: tensor.New(spec.Maps, in.C, spec.KH, spec.KW), Decay: true},
		B:   &Param{Name: name + ".bias", Value: tensor.New(spec.Maps), Grad: tensor.New(spec.Maps)},
		col: make([]float32, k*maxBatch*out.H*out.W),
		y:   make([]float32, out.Size()*maxBatch),
	}
	if needInputGrad {
		l.gx = make([]float32, in.Size()*maxBatch)
	}
	return l, nil
}

// Spec returns the layer's spec.
func (l *ConvLayer) Spec() LayerSpec { return l.spec }

// OutShape returns F×OH×OW.
func (l *ConvLayer) OutShape() Shape { return l.out }

// Params returns the weights [F][C][KH][KW] and biases [F].
func (l *ConvLayer) Params() []*Param { return []*Param{l.W, l.B} }

// Init draws the weights and biases: network3's fan-out is the maps times
// the receptive field over the area of the pooling after the layer.
func (l *ConvLayer) Init(scheme Init, ctx InitContext, rng *rand.Rand) error {
	field := float64(l.spec.KH * l.spec.KW)
	fanOut := float64(l.spec.Maps) * field / float64(max(ctx.PoolArea, 1))
	return initWeights(scheme, rng, l.W.Value.Data, l.B.Value.Data, float64(l.in.C)*field, fanOut)
}

// Forward: x [C][n][H][W] → y [F][n][OH][OW].
func (l *ConvLayer) Forward(x []float32, n int, train bool) []float32 {
	checkBatch("conv", n, l.maxBatch)
	l.x, l.n = x, n
	k := l.in.C * l.spec.KH * l.spec.KW
	np := n * l.out.H * l.out.W
	f32.Im2col(x, l.in.C, n, l.in.H, l.in.W, l.spec.KH, l.spec.KW, l.spec.Stride, l.col)
	y := l.y[:l.out.C*np]
	f32.Gemm(false, false, l.out.C, np, k, 1, l.W.Value.Data, k, l.col, np, 0, y, np)
	f32.AddColVector(l.out.C, np, l.B.Value.Data, y, np)
	return y
}

// SetFrozen(true) makes Backward leave the parameters' gradients as they
// are (no weight-gradient product): see Freezer.
func (l *ConvLayer) SetFrozen(on bool) { l.frozen = on }

// SetInputGrad(false) makes Backward skip dCost/dInput and return nil;
// true restores the layer as it was built: see InputGradSwitch.
func (l *ConvLayer) SetInputGrad(on bool) { l.noInGrad = !on }

// Backward: gy [F][n][OH][OW] → gW = gy·colᵀ, gb = Σ gy (unless frozen), gx = col2im(Wᵀ·gy).
func (l *ConvLayer) Backward(gy []float32) []float32 {
	n := l.n
	k := l.in.C * l.spec.KH * l.spec.KW
	np := n * l.out.H * l.out.W
	if !l.frozen {
		f32.Gemm(false, true, l.out.C, k, np, 1, gy, np, l.col, np, 0, l.W.Grad.Data, k)
		f32.SumRows(l.out.C, np, gy, np, l.B.Grad.Data)
	}
	if !l.inGrad || l.noInGrad {
		return nil
	}
	// col is not needed any more: reuse it for dCost/dcol.
	f32.Gemm(true, false, k, np, l.out.C, 1, l.W.Value.Data, k, gy, np, 0, l.col, np)
	gx := l.gx[:l.in.C*n*l.in.H*l.in.W]
	f32.Col2im(l.col, l.in.C, n, l.in.H, l.in.W, l.spec.KH, l.spec.KW, l.spec.Stride, gx)
	return gx
}
