package nn

import "fmt"

// SequenceSpec reads one-channel images as sequences: "rows" makes each
// row of W pixels a time step (H steps), "pixels" each pixel (H·W steps of
// one value), as sequential MNIST reads its digits.
type SequenceSpec struct {
	// Pixels selects one pixel per step instead of one row.
	Pixels bool
}

var (
	rowsKind = Kind{Name: "rows", Syntax: "rows", About: "read an image as the sequence of its rows (for recurrent layers)",
		Parse: noArgument("rows", SequenceSpec{})}
	pixelsKind = Kind{Name: "pixels", Syntax: "pixels", About: "read an image as the sequence of its pixels, row by row",
		Parse: noArgument("pixels", SequenceSpec{Pixels: true})}
)

// Kind returns "rows" or "pixels".
func (s SequenceSpec) Kind() string {
	if s.Pixels {
		return pixelsKind.Name
	}
	return rowsKind.Name
}

func (s SequenceSpec) String() string { return s.Kind() }

// Validate has nothing to check.
func (s SequenceSpec) Validate() error { return nil }

// Plan: a one-channel image H×W → H steps of W values, or H·W steps of 1.
func (s SequenceSpec) Plan(in Shape) (LayerPlan, error) {
	if err := imagesIn(s, in); err != nil {
		return LayerPlan{}, err
	}
	if in.C != 1 {
		return LayerPlan{}, fmt.Errorf("%s: input has %d channels; %s reads one-channel images", s, in.C, s)
	}
	out := Shape{C: in.W, H: 1, W: 1, Flat: true, T: in.H}
	if s.Pixels {
		out = Shape{C: 1, H: 1, W: 1, Flat: true, T: in.H * in.W}
	}
	return LayerPlan{Out: out, Floats: 2 * int64(in.Size())}, nil
}

// Build makes the SequenceLayer.
func (s SequenceSpec) Build(ctx BuildContext) (Layer, error) {
	p, err := s.Plan(ctx.In)
	if err != nil {
		return nil, err
	}
	size := ctx.In.Size() * ctx.MaxBatch
	l := &SequenceLayer{spec: s, in: ctx.In, out: p.Out, maxBatch: ctx.MaxBatch, y: make([]float32, size)}
	if ctx.InputGrad {
		l.gx = make([]float32, size)
	}
	return l, nil
}

// SequenceLayer transposes a batch of images [n][T][step] (a one-channel
// image is its rows, or its pixels, one after another) into the sequence
// layout [T][n][step].
type SequenceLayer struct {
	spec     SequenceSpec
	in, out  Shape
	maxBatch int
	n        int
	y, gx    []float32
}

// Spec returns the layer's spec.
func (l *SequenceLayer) Spec() LayerSpec { return l.spec }

// OutShape returns T steps of the step's width.
func (l *SequenceLayer) OutShape() Shape { return l.out }

// Params returns nil.
func (l *SequenceLayer) Params() []*Param { return nil }

// Forward: x [n][T][step] → y [T][n][step].
func (l *SequenceLayer) Forward(x []float32, n int, train bool) []float32 {
	checkBatch(l.spec.Kind(), n, l.maxBatch)
	l.n = n
	transpose(x, l.y, n, l.out.T, l.out.C)
	return l.y[:n*l.in.Size()]
}

// Backward: gy [T][n][step] → gx [n][T][step].
func (l *SequenceLayer) Backward(gy []float32) []float32 {
	if l.gx == nil {
		return nil
	}
	transpose(gy, l.gx, l.out.T, l.n, l.out.C)
	return l.gx[:l.n*l.in.Size()]
}

// transpose writes src, a [a][b] matrix of rows of w values, into dst as
// [b][a].
func transpose(src, dst []float32, a, b, w int) {
	for i := 0; i < a; i++ {
		for j := 0; j < b; j++ {
			copy(dst[(j*a+i)*w:(j*a+i+1)*w], src[(i*b+j)*w:(i*b+j+1)*w])
		}
	}
}
