package nn

import "github.com/deepnet-go/deepnet/internal/f32"

// Sub-batched convolution. Unrolled for a whole mini-batch of 64 images,
// col is several MiB (conv2 of the dropout preset: 500 × 64·8·8 floats,
// 8 MiB), far more than a core's L2: im2col would write it to memory and
// the product read it back, and backward would do the same with dCost/dcol
// before col2im. So the forward pass and dCost/dInput run sub-batch by
// sub-batch: one worker unrolls a few images' columns and multiplies them
// (or multiplies, then folds the columns back into the images' planes)
// while they are in its cache. col keeps the whole batch's layout, so the
// weight gradient gy·colᵀ stays one product over the whole batch, which
// reads col once and sums along the batch in one fixed order.
//
// col's rows are colLD(n·OH·OW) floats apart, a little more than their
// width: with a power-of-two distance (64 images of 8×8) the rows that one
// sub-batch product reads would all fall into the same few cache sets.
//
// Every output element is computed with the same summation order as the
// whole-batch products (the sub-batch products split the columns, never
// the inner dimension), so the result is bit-identical to them, and to any
// number of workers.

// convSubFloats is the col size (floats) a sub-batch aims at: 512 KiB,
// half of a core's L2. Tests lower it to use sub-batches on small batches.
var convSubFloats = 1 << 17

// colLD is the distance between col's rows for n·OH·OW columns: one cache
// line more than the width.
func colLD(width int) int { return width + 16 }

// subBatches returns the images per sub-batch and the number of
// sub-batches for a batch of n (one: use whole-batch products).
func (l *ConvLayer) subBatches(n int) (size, count int) {
	per := l.in.C * l.spec.KH * l.spec.KW * l.out.H * l.out.W
	size = max(1, convSubFloats/per)
	return size, (n + size - 1) / size
}

// convSubTask runs the forward pass (backward false) or dCost/dInput
// (backward true) of sub-batches [lo, hi) of images of size each.
type convSubTask struct {
	l        *ConvLayer
	gy       []float32
	size     int
	backward bool
}

func (t *convSubTask) Run(lo, hi int) {
	l := t.l
	k := l.in.C * l.spec.KH * l.spec.KW
	ohw := l.out.H * l.out.W
	np := l.n * ohw
	ld := colLD(np)
	for i := lo; i < hi; i++ {
		n0 := i * t.size
		m := min(t.size, l.n-n0)
		col := l.col[n0*ohw:]
		if t.backward {
			// col is not needed any more: reuse it for dCost/dcol.
			f32.Gemm(true, false, k, m*ohw, l.out.C, 1, l.W.Value.Data, k, t.gy[n0*ohw:], np, 0, col, ld)
			f32.Col2imImages(l.col, l.in.C, l.n, n0, m, l.in.H, l.in.W, l.spec.KH, l.spec.KW, l.spec.Stride, l.gx, ld)
			continue
		}
		f32.Im2colImages(l.x, l.in.C, l.n, n0, m, l.in.H, l.in.W, l.spec.KH, l.spec.KW, l.spec.Stride, l.col, ld)
		y := l.y[n0*ohw:]
		f32.Gemm(false, false, l.out.C, m*ohw, k, 1, l.W.Value.Data, k, col, ld, 0, y, np)
		f32.AddColVector(l.out.C, m*ohw, l.B.Value.Data, y, np)
	}
}

// runSub runs the task over the sub-batches of the last batch, splitting
// them among the workers.
func (l *ConvLayer) runSub(gy []float32, size, count int, backward bool) {
	l.task = convSubTask{l: l, gy: gy, size: size, backward: backward}
	f32.ParallelFor(count, &l.task)
	l.task = convSubTask{}
}
