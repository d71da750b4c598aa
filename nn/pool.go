package nn

import (
	"github.com/deepnet-go/deepnet/internal/f32"
)

// PoolLayer pools each feature map over non-overlapping P×Q blocks: the
// maximum (max-pooling), the square root of the sum of squares (L2 pooling)
// or the mean (average pooling). Rows and columns at the border that do not
// fill a block are ignored, as network3's ignore_border.
type PoolLayer struct {
	spec     LayerSpec
	in, out  Shape
	maxBatch int

	x   []float32 // last input (not owned)
	n   int
	arg []int32 // max-pooling: index of each maximum within its plane
	y   []float32
	gx  []float32
}

// NewPool builds a pooling layer of spec.Kind MaxPool, L2Pool or AvgPool.
func NewPool(spec LayerSpec, in Shape, maxBatch int) (*PoolLayer, error) {
	out, err := poolOut(spec, in)
	if err != nil {
		return nil, err
	}
	l := &PoolLayer{spec: spec, in: in, out: out, maxBatch: maxBatch,
		y: make([]float32, out.Size()*maxBatch), gx: make([]float32, in.Size()*maxBatch)}
	if spec.Kind == MaxPool {
		l.arg = make([]int32, out.Size()*maxBatch)
	}
	return l, nil
}

// Spec returns the layer's spec.
func (l *PoolLayer) Spec() LayerSpec { return l.spec }

// OutShape returns C×(H/P)×(W/Q).
func (l *PoolLayer) OutShape() Shape { return l.out }

// Params returns nil: pooling has no parameters.
func (l *PoolLayer) Params() []*Param { return nil }

// Forward: x [C][n][H][W] → y [C][n][H/P][W/Q].
func (l *PoolLayer) Forward(x []float32, n int, train bool) []float32 {
	checkBatch("pool", n, l.maxBatch)
	l.x, l.n = x, n
	planes := l.in.C * n
	y := l.y[:planes*l.out.H*l.out.W]
	switch l.spec.Kind {
	case MaxPool:
		f32.MaxPool(x, planes, l.in.H, l.in.W, l.spec.KH, l.spec.KW, y, l.arg)
	case L2Pool:
		f32.L2Pool(x, planes, l.in.H, l.in.W, l.spec.KH, l.spec.KW, y)
	default:
		avgPool(x, planes, l.in.H, l.in.W, l.spec.KH, l.spec.KW, y)
	}
	return y
}

// Backward routes gy to the inputs each output came from.
func (l *PoolLayer) Backward(gy []float32) []float32 {
	planes := l.in.C * l.n
	gx := l.gx[:planes*l.in.H*l.in.W]
	switch l.spec.Kind {
	case MaxPool:
		f32.MaxPoolBackward(gy, l.arg, planes, l.in.H, l.in.W, l.spec.KH, l.spec.KW, gx)
	case L2Pool:
		f32.L2PoolBackward(gy, l.x, l.y, planes, l.in.H, l.in.W, l.spec.KH, l.spec.KW, gx)
	default:
		avgPoolBackward(gy, planes, l.in.H, l.in.W, l.spec.KH, l.spec.KW, gx)
	}
	return gx
}

// avgPool sets each output to the mean of its p×q block.
func avgPool(src []float32, planes, h, w, p, q int, dst []float32) {
	oh, ow := h/p, w/q
	scale := 1 / float32(p*q)
	for pl := 0; pl < planes; pl++ {
		in := src[pl*h*w:]
		for i := 0; i < oh; i++ {
			for j := 0; j < ow; j++ {
				var s float32
				for a := 0; a < p; a++ {
					for _, v := range in[(i*p+a)*w+j*q : (i*p+a)*w+j*q+q] {
						s += v
					}
				}
				dst[(pl*oh+i)*ow+j] = s * scale
			}
		}
	}
}

// avgPoolBackward spreads each output gradient evenly over its block.
func avgPoolBackward(gy []float32, planes, h, w, p, q int, gx []float32) {
	clear(gx)
	oh, ow := h/p, w/q
	scale := 1 / float32(p*q)
	for pl := 0; pl < planes; pl++ {
		out := gx[pl*h*w:]
		for i := 0; i < oh; i++ {
			for j := 0; j < ow; j++ {
				g := gy[(pl*oh+i)*ow+j] * scale
				for a := 0; a < p; a++ {
					for b := 0; b < q; b++ {
						out[(i*p+a)*w+j*q+b] = g
					}
				}
			}
		}
	}
}
