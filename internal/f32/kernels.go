package f32

// Im2col: see Im2colRef.
func Im2col(src []float32, c, n, h, w, kh, kw, stride int, dst []float32) {
	Im2colRef(src, c, n, h, w, kh, kw, stride, dst)
}

// Col2im: see Col2imRef.
func Col2im(col []float32, c, n, h, w, kh, kw, stride int, dst []float32) {
	Col2imRef(col, c, n, h, w, kh, kw, stride, dst)
}

// MaxPool: see MaxPoolRef.
func MaxPool(src []float32, planes, h, w, p, q int, dst []float32, arg []int32) {
	MaxPoolRef(src, planes, h, w, p, q, dst, arg)
}

// MaxPoolBackward: see MaxPoolBackwardRef.
func MaxPoolBackward(gy []float32, arg []int32, planes, h, w, p, q int, gx []float32) {
	MaxPoolBackwardRef(gy, arg, planes, h, w, p, q, gx)
}

// L2Pool: see L2PoolRef.
func L2Pool(src []float32, planes, h, w, p, q int, dst []float32) {
	L2PoolRef(src, planes, h, w, p, q, dst)
}

// L2PoolBackward: see L2PoolBackwardRef.
func L2PoolBackward(gy, src, y []float32, planes, h, w, p, q int, gx []float32) {
	L2PoolBackwardRef(gy, src, y, planes, h, w, p, q, gx)
}
