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

// poolKernels are an operation's forward and backward passes over planes
// of a layer's input; needArg says whether the forward pass records where
// each output came from (max-pooling's argmax).
type poolKernels struct {
	forward  func(l *PoolLayer, x, y []float32, planes int)
	backward func(l *PoolLayer, gy, gx []float32, planes int)
	needArg  bool
}

// poolOps are the kernels of every PoolOp.
var poolOps = map[PoolOp]poolKernels{
	MaxPool: {
		forward: func(l *PoolLayer, x, y []float32, planes int) {
			f32.MaxPool(x, planes, l.in.H, l.in.W, l.spec.KH, l.spec.KW, y, l.arg)
		},
		backward: func(l *PoolLayer, gy, gx []float32, planes int) {
			f32.MaxPoolBackward(gy, l.arg, planes, l.in.H, l.in.W, l.spec.KH, l.spec.KW, gx)
		},
		needArg: true,
	},
	L2Pool: {
		forward: func(l *PoolLayer, x, y []float32, planes int) {
			f32.L2Pool(x, planes, l.in.H, l.in.W, l.spec.KH, l.spec.KW, y)
		},
		backward: func(l *PoolLayer, gy, gx []float32, planes int) { // from the input and output
			f32.L2PoolBackward(gy, l.x, l.y, planes, l.in.H, l.in.W, l.spec.KH, l.spec.KW, gx)
		},
	},
	AvgPool: {
		forward: func(l *PoolLayer, x, y []float32, planes int) {
			f32.AvgPool(x, planes, l.in.H, l.in.W, l.spec.KH, l.spec.KW, y)
		},
		backward: func(l *PoolLayer, gy, gx []float32, planes int) {
			f32.AvgPoolBackward(gy, planes, l.in.H, l.in.W, l.spec.KH, l.spec.KW, gx)
		},
	},
}

// Validate checks the operation and the block's size.
func (s PoolSpec) Validate() error {
	if _, ok := poolOps[s.Op]; !ok {
		return fmt.Errorf("unknown pooling %q", s.Op)
	}
	if !inSize(s.KH) || !inSize(s.KW) {
		return fmt.Errorf("pool size must be in 1..%d", maxSize)
	}
	return nil
}

// Area returns P·Q, the inputs of each output (see Pooling).
func (s PoolSpec) Area() int { return s.KH * s.KW }

// Window returns the P×Q block, which is also the step (see Window).
func (s PoolSpec) Window() (kh, kw, sh, sw int) { return s.KH, s.KW, s.KH, s.KW }

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
	ops      poolKernels
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
	l := &PoolLayer{spec: spec, ops: poolOps[spec.Op], in: in, out: out, maxBatch: maxBatch,
		y: make([]float32, out.Size()*maxBatch), gx: make([]float32, in.Size()*maxBatch)}
	if l.ops.needArg {
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
	l.ops.forward(l, x, y, planes)
	return y
}

// Backward routes gy to the inputs each output came from.
func (l *PoolLayer) Backward(gy []float32) []float32 {
	planes := l.in.C * l.n
	gx := l.gx[:planes*l.in.H*l.in.W]
	l.ops.backward(l, gy, gx, planes)
	return gx
}
