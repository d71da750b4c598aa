package f32

import "fmt"

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
	Im2colImages(src, c, n, 0, n, h, w, kh, kw, stride, dst, n*((h-kh)/max(stride, 1)+1)*((w-kw)/max(stride, 1)+1))
}

// Im2colImages is Im2col of a batch of nb images ([C][nb][H][W] in src,
// [C·kh·kw][nb·OH·OW] in dst, rows ldd ≥ nb·OH·OW floats apart)
// restricted to images [n0, n0+n): it fills only their columns of dst, so
// a caller can unroll a mini-batch range by range (to keep each range's
// columns in cache until a product reads them) or into padded rows.
func Im2colImages(src []float32, c, nb, n0, n, h, w, kh, kw, stride int, dst []float32, ldd int) {
	if c*n == 0 {
		return
	}
	g := newConvGeom(c, n, nb, h, w, kh, kw, stride, ldd)
	checkImages("Im2colImages", len(src), c, nb, n0, n, h*w)
	o := g.oh * g.ow
	_ = dst[(c*kh*kw-1)*ldd+(n0+n)*o-1]
	t := im2colTask{g, src[n0*h*w:], dst[n0*o:]}
	rows := c * kh * kw
	if p, chunks := tryPool(rows, grainOf(n*o)); p != nil {
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
	Col2imImages(col, c, n, 0, n, h, w, kh, kw, stride, dst, n*((h-kh)/max(stride, 1)+1)*((w-kw)/max(stride, 1)+1))
}

// Col2imImages is Col2im of a batch of nb images ([C·kh·kw][nb·OH·OW] in
// col, rows ldc ≥ nb·OH·OW floats apart, [C][nb][H][W] in dst)
// restricted to images [n0, n0+n): it reads their columns of col and
// writes their planes of dst, no others.
func Col2imImages(col []float32, c, nb, n0, n, h, w, kh, kw, stride int, dst []float32, ldc int) {
	if c*n == 0 {
		return
	}
	g := newConvGeom(c, n, nb, h, w, kh, kw, stride, ldc)
	checkImages("Col2imImages", len(dst), c, nb, n0, n, h*w)
	o := g.oh * g.ow
	_ = col[(c*kh*kw-1)*ldc+(n0+n)*o-1]
	t := col2imTask{g, col[n0*o:], dst[n0*h*w:]}
	planes := c * n
	if p, chunks := tryPool(planes, grainOf(kh*kw*g.oh*g.ow)); p != nil {
		p.jobs.col2im = t
		p.runFor(&p.jobs.col2im, planes, chunks)
		p.jobs.col2im = col2imTask{}
		return
	}
	t.Run(0, planes)
}

// checkImages panics unless images [n0, n0+n) of a batch of nb, c planes
// of size plane each, lie in a slice of length size.
func checkImages(fn string, size, c, nb, n0, n, plane int) {
	if n0 < 0 || n < 0 || n0+n > nb {
		panic(fmt.Sprintf("f32.%s: images [%d, %d) of a batch of %d", fn, n0, n0+n, nb))
	}
	if need := ((c-1)*nb + n0 + n) * plane; size < need {
		panic(fmt.Sprintf("f32.%s: %d floats for %d channels of %d images of %d pixels, need %d", fn, size, c, nb, plane, need))
	}
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

// AvgPool is AvgPoolRef (bit-identical), split over planes.
func AvgPool(src []float32, planes, h, w, p, q int, dst []float32) {
	runPool(poolTask{op: opAvg, src: src, dst: dst, h: h, w: w, p: p, q: q}, planes)
}

// AvgPoolBackward is AvgPoolBackwardRef (bit-identical), split over planes.
func AvgPoolBackward(gy []float32, planes, h, w, p, q int, gx []float32) {
	runPool(poolTask{op: opAvgBack, gy: gy, dst: gx, h: h, w: w, p: p, q: q}, planes)
}
