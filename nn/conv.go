package nn

import (
	"github.com/deepnet-go/deepnet/internal/f32"
	"github.com/deepnet-go/deepnet/tensor"
)

// ConvLayer is a convolution with local receptive fields of KH×KW pixels,
// shared weights and one shared bias per feature map, "valid" borders and a
// stride. It computes, as the book's equation (a cross-correlation):
//
//	y[f][n][i][j] = b[f] + Σ_{c,l,m} w[f][c][l][m] · x[c][n][i·s+l][j·s+m]
//
// as one matrix product per mini-batch: W[F, C·KH·KW] · col[C·KH·KW, N·OH·OW].
// Weights are stored [F][C][KH][KW], as PyTorch's Conv2d.
type ConvLayer struct {
	spec     LayerSpec
	in, out  Shape
	maxBatch int
	inGrad   bool

	W, B *Param

	x   []float32 // last input, [C][n][H][W] (not owned)
	n   int       // last batch size
	col []float32 // [C·KH·KW][n·OH·OW]
	y   []float32 // [F][n][OH][OW]
	gx  []float32 // [C][n][H][W]
}

// NewConv builds a convolution for inputs of shape in (images, not flat).
// needInputGrad false skips computing dCost/dInput (for a first layer).
func NewConv(spec LayerSpec, in Shape, maxBatch int, needInputGrad bool, name string) (*ConvLayer, error) {
	if spec.Stride < 1 {
		spec.Stride = 1
	}
	out, err := convOut(spec, in)
	if err != nil {
		return nil, err
	}
	k := in.C * spec.KH * spec.KW
	l := &ConvLayer{
		spec: spec, in: in, out: out, maxBatch: maxBatch, inGrad: needInputGrad,
		W:   &Param{Name: name + ".weight", Value: tensor.New(spec.N, in.C, spec.KH, spec.KW), Grad: tensor.New(spec.N, in.C, spec.KH, spec.KW), Decay: true},
		B:   &Param{Name: name + ".bias", Value: tensor.New(spec.N), Grad: tensor.New(spec.N)},
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

// Backward: gy [F][n][OH][OW] → gW = gy·colᵀ, gb = Σ gy, gx = col2im(Wᵀ·gy).
func (l *ConvLayer) Backward(gy []float32) []float32 {
	n := l.n
	k := l.in.C * l.spec.KH * l.spec.KW
	np := n * l.out.H * l.out.W
	f32.Gemm(false, true, l.out.C, k, np, 1, gy, np, l.col, np, 0, l.W.Grad.Data, k)
	f32.SumRows(l.out.C, np, gy, np, l.B.Grad.Data)
	if !l.inGrad {
		return nil
	}
	// col is not needed any more: reuse it for dCost/dcol.
	f32.Gemm(true, false, k, np, l.out.C, 1, l.W.Value.Data, k, gy, np, 0, l.col, np)
	gx := l.gx[:l.in.C*n*l.in.H*l.in.W]
	f32.Col2im(l.col, l.in.C, n, l.in.H, l.in.W, l.spec.KH, l.spec.KW, l.spec.Stride, gx)
	return gx
}
