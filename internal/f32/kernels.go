package f32

// The exported kernels. Each has a naive twin in ref.go; see doc.go for the
// design.

// Gemm computes C = alpha·op(A)·op(B) + beta·C (row-major; see GemmRef) with
// packed panels and the fastest micro-kernels this processor supports,
// using the worker pool for large products. The result does not depend on
// the number of workers.
func Gemm(transA, transB bool, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int) {
	gemmWith(defaultKernels, transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
}

// Im2col unrolls receptive fields exactly as Im2colRef (bit-identical),
// splitting the rows of dst among the workers.
func Im2col(src []float32, c, n, h, w, kh, kw, stride int, dst []float32) {
	if c*n == 0 {
		return
	}
	g := newConvGeom(c, n, h, w, kh, kw, stride)
	cols := n * g.oh * g.ow
	_ = src[c*n*h*w-1]
	_ = dst[c*kh*kw*cols-1]
	t := im2colTask{g, src, dst}
	rows := c * kh * kw
	if p, chunks := tryPool(rows, grainOf(cols)); p != nil {
		p.jobs.im2col = t
		p.runFor(&p.jobs.im2col, rows, chunks)
		p.jobs.im2col = im2colTask{}
		return
	}
	t.Run(0, rows)
}

// Col2im sums receptive fields back into planes exactly as Col2imRef
// (bit-identical: every pixel adds its terms in the same order), splitting
// the planes among the workers.
func Col2im(col []float32, c, n, h, w, kh, kw, stride int, dst []float32) {
	if c*n == 0 {
		return
	}
	g := newConvGeom(c, n, h, w, kh, kw, stride)
	_ = col[c*kh*kw*n*g.oh*g.ow-1]
	_ = dst[c*n*h*w-1]
	t := col2imTask{g, col, dst}
	planes := c * n
	if p, chunks := tryPool(planes, grainOf(kh*kw*g.oh*g.ow)); p != nil {
		p.jobs.col2im = t
		p.runFor(&p.jobs.col2im, planes, chunks)
		p.jobs.col2im = col2imTask{}
		return
	}
	t.Run(0, planes)
}

// MaxPool is MaxPoolRef (bit-identical), split over planes.
func MaxPool(src []float32, planes, h, w, p, q int, dst []float32, arg []int32) {
	runPool(poolTask{op: opMax, src: src, dst: dst, arg: arg, h: h, w: w, p: p, q: q}, planes)
}

// MaxPoolBackward is MaxPoolBackwardRef (bit-identical), split over planes.
func MaxPoolBackward(gy []float32, arg []int32, planes, h, w, p, q int, gx []float32) {
	runPool(poolTask{op: opMaxBack, gy: gy, arg: arg, dst: gx, h: h, w: w, p: p, q: q}, planes)
}

// L2Pool is L2PoolRef (bit-identical), split over planes.
func L2Pool(src []float32, planes, h, w, p, q int, dst []float32) {
	runPool(poolTask{op: opL2, src: src, dst: dst, h: h, w: w, p: p, q: q}, planes)
}

// L2PoolBackward is L2PoolBackwardRef (bit-identical), split over planes.
func L2PoolBackward(gy, src, y []float32, planes, h, w, p, q int, gx []float32) {
	runPool(poolTask{op: opL2Back, gy: gy, src: src, y: y, dst: gx, h: h, w: w, p: p, q: q}, planes)
}
