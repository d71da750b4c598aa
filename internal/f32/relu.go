package f32

// ReLU and its gradient, the activation of the relu presets.

// ReLURef sets y[i] = max(x[i], 0) for i < len(x), with Go's max: a NaN
// stays NaN and −0 becomes +0.
func ReLURef(x, y []float32) {
	y = y[:len(x)]
	for i, v := range x {
		y[i] = max(v, 0)
	}
}

// ReLUBackwardRef sets gx[i] = gy[i] where y[i] > 0, else +0, for
// i < len(y): the gradient through y = ReLU(x), from its output.
func ReLUBackwardRef(y, gy, gx []float32) {
	gy, gx = gy[:len(y)], gx[:len(y)]
	for i, v := range y {
		if v > 0 {
			gx[i] = gy[i]
		} else {
			gx[i] = 0
		}
	}
}

// ReLU sets y[i] = max(x[i], 0), bit-identical to ReLURef (branch-free
// AVX-512 where available).
func ReLU(x, y []float32) {
	if len(y) < len(x) {
		panic("f32.ReLU: y shorter than x")
	}
	runElem(elemTask{op: opReLU, x: x, y: y}, len(x), 1)
}

// ReLUBackward sets gx[i] = gy[i] where y[i] > 0, else 0, bit-identical to
// ReLUBackwardRef.
func ReLUBackward(y, gy, gx []float32) {
	if len(gy) < len(y) || len(gx) < len(y) {
		panic("f32.ReLUBackward: gy or gx shorter than y")
	}
	runElem(elemTask{op: opReLUBack, x: y, y: gx, z: gy}, len(y), 1)
}
