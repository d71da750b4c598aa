package nn

import (
	"github.com/deepnet-go/deepnet/internal/f32"
	"github.com/deepnet-go/deepnet/tensor"
)

// DenseLayer is a fully-connected layer: y = x·Wᵀ + b with W stored
// [out][in] as PyTorch's Linear. Image inputs [C][n][H][W] are first
// flattened to [n][C·H·W] in PyTorch's (C, H, W) order.
type DenseLayer struct {
	spec     LayerSpec
	in, out  Shape
	maxBatch int
	inGrad   bool

	W, B *Param

	x    []float32 // last input as [n][in]: the caller's, or flat when permuted
	n    int
	flat []float32 // [n][in] when the input is images with C > 1
	y    []float32 // [n][out]
	gx   []float32 // [n][in]
	gimg []float32 // [C][n][H][W] when the input is images with C > 1
}

// NewDense builds a fully-connected layer of spec.N units.
func NewDense(spec LayerSpec, in Shape, maxBatch int, needInputGrad bool, name string) *DenseLayer {
	nin := in.Size()
	l := &DenseLayer{
		spec: spec, in: in, out: Shape{C: spec.N, H: 1, W: 1, Flat: true}, maxBatch: maxBatch, inGrad: needInputGrad,
		W: &Param{Name: name + ".weight", Value: tensor.New(spec.N, nin), Grad: tensor.New(spec.N, nin), Decay: true},
		B: &Param{Name: name + ".bias", Value: tensor.New(spec.N), Grad: tensor.New(spec.N)},
		y: make([]float32, spec.N*maxBatch),
	}
	if l.permuted() {
		l.flat = make([]float32, nin*maxBatch)
	}
	if needInputGrad {
		l.gx = make([]float32, nin*maxBatch)
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

// OutShape returns the flat shape of spec.N units.
func (l *DenseLayer) OutShape() Shape { return l.out }

// Params returns the weights [out][in] and biases [out].
func (l *DenseLayer) Params() []*Param { return []*Param{l.W, l.B} }

// Forward: x [n][in] → y [n][out] = x·Wᵀ + b.
func (l *DenseLayer) Forward(x []float32, n int, train bool) []float32 {
	checkBatch("fc", n, l.maxBatch)
	nin, nout := l.in.Size(), l.out.C
	if l.permuted() {
		hw := l.in.H * l.in.W
		for c := 0; c < l.in.C; c++ {
			for img := 0; img < n; img++ {
				copy(l.flat[img*nin+c*hw:img*nin+(c+1)*hw], x[(c*n+img)*hw:(c*n+img+1)*hw])
			}
		}
		x = l.flat
	}
	l.x, l.n = x[:n*nin], n
	y := l.y[:n*nout]
	for i := 0; i < n; i++ {
		copy(y[i*nout:(i+1)*nout], l.B.Value.Data)
	}
	f32.Gemm(false, true, n, nout, nin, 1, x, nin, l.W.Value.Data, nin, 1, y, nout)
	return y
}

// Backward: gW = gyᵀ·x, gb = Σ_n gy, gx = gy·W.
func (l *DenseLayer) Backward(gy []float32) []float32 {
	n, nin, nout := l.n, l.in.Size(), l.out.C
	f32.Gemm(true, false, nout, nin, n, 1, gy, nout, l.x, nin, 0, l.W.Grad.Data, nin)
	gb := l.B.Grad.Data
	copy(gb, gy[:nout])
	for i := 1; i < n; i++ {
		f32.Axpy(1, gy[i*nout:(i+1)*nout], gb) // gb[j] += 1·v = v exactly
	}
	if !l.inGrad {
		return nil
	}
	gx := l.gx[:n*nin]
	f32.Gemm(false, false, n, nin, nout, 1, gy, nout, l.W.Value.Data, nin, 0, gx, nin)
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
