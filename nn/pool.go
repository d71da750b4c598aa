package nn

import (
	"fmt"

	"github.com/deepnet-go/deepnet/internal/f32"
)

// PoolOp is what a pooling layer computes over each block; its name is the
// kind's.
type PoolOp string

// The pooling operations.
const (
	MaxPool PoolOp = "maxpool" // the largest value
	L2Pool  PoolOp = "l2pool"  // the square root of the sum of squares
	AvgPool PoolOp = "avgpool" // the mean
)

// PoolSpec is a pooling layer: "maxpool:P[xQ]", "l2pool:P[xQ]" or
// "avgpool:P[xQ]", over P×Q blocks.
type PoolSpec struct {
	Op     PoolOp
	KH, KW int
}

var (
	maxPoolKind = poolKind(MaxPool, "max-pooling over P×Q blocks (border rows and columns that do not fill a block are ignored)")
	l2PoolKind  = poolKind(L2Pool, "L2 pooling: the square root of the sum of squares of each block")
	avgPoolKind = poolKind(AvgPool, "average pooling")
)

func poolKind(op PoolOp, about string) Kind {
	return Kind{Name: string(op), Syntax: string(op) + ":P[xQ]", About: about,
		Parse: func(arg string, _ bool) ([]LayerSpec, error) {
			v, err := sizes(arg, 1, 2)
			if err != nil {
				return nil, err
			}
			return []LayerSpec{PoolSpec{Op: op, KH: v[0], KW: v[len(v)-1]}}, nil
		}}
}

// Kind returns the operation's name.
func (s PoolSpec) Kind() string { return string(s.Op) }

func (s PoolSpec) String() string {
	if s.KH == s.KW {
		return fmt.Sprintf("%s:%d", s.Op, s.KH)
	}
	return fmt.Sprintf("%s:%dx%d", s.Op, s.KH, s.KW)
}

// Validate checks the operation and the block's size.
func (s PoolSpec) Validate() error {
	if s.Op != MaxPool && s.Op != L2Pool && s.Op != AvgPool {
		return fmt.Errorf("unknown pooling %q", s.Op)
	}
	if !inSize(s.KH) || !inSize(s.KW) {
		return fmt.Errorf("pool size must be in 1..%d", maxSize)
	}
	return nil
}

// Area returns P·Q, the inputs of each output (see Pooling).
func (s PoolSpec) Area() int { return s.KH * s.KW }

// Plan: [C][H][W] → [C][H/P][W/Q].
func (s PoolSpec) Plan(in Shape) (LayerPlan, error) {
	if err := imagesIn(s, in); err != nil {
		return LayerPlan{}, err
	}
	if in.H < s.KH || in.W < s.KW {
		return LayerPlan{}, fmt.Errorf("%s: input %s is smaller than the pool", s, in)
	}
	out := Shape{C: in.C, H: in.H / s.KH, W: in.W / s.KW}
	return LayerPlan{Out: out, Floats: 2*int64(in.Size()) + 2*int64(out.Size())}, nil
}

// Build makes the PoolLayer.
func (s PoolSpec) Build(ctx BuildContext) (Layer, error) { return NewPool(s, ctx.In, ctx.MaxBatch) }

// PoolLayer pools each feature map over non-overlapping P×Q blocks: the
// maximum (max-pooling), the square root of the sum of squares (L2 pooling)
// or the mean (average pooling). Rows and columns at the border that do not
// fill a block are ignored, as network3's ignore_border.
type PoolLayer struct {
	spec     PoolSpec
	in, out  Shape
	maxBatch int

	x   []float32 // last input (not owned)
	n   int
	arg []int32 // max-pooling: index of each maximum within its plane
	y   []float32
	gx  []float32
}

// NewPool builds a pooling layer.
func NewPool(spec PoolSpec, in Shape, maxBatch int) (*PoolLayer, error) {
	if err := spec.Validate(); err != nil {
		return nil, err
	}
	p, err := spec.Plan(in)
	if err != nil {
		return nil, err
	}
	out := p.Out
	l := &PoolLayer{spec: spec, in: in, out: out, maxBatch: maxBatch,
		y: make([]float32, out.Size()*maxBatch), gx: make([]float32, in.Size()*maxBatch)}
	if spec.Op == MaxPool {
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
	switch l.spec.Op {
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
	switch l.spec.Op {
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
