//go:build amd64 && !purego

package f32

//go:noescape
func axpyAVX512(n int, a float32, x, y *float32)

//go:noescape
func scaleAVX512(n int, a float32, x *float32)

//go:noescape
func addConstAVX512(n int, a float32, x *float32)

func axpy(a float32, x, y []float32) {
	if !hasAVX512 || len(x) == 0 {
		AxpyRef(a, x, y)
		return
	}
	_ = y[len(x)-1]
	axpyAVX512(len(x), a, &x[0], &y[0])
}

func scale(a float32, x []float32) {
	if !hasAVX512 || len(x) == 0 {
		ScaleRef(a, x)
		return
	}
	scaleAVX512(len(x), a, &x[0])
}

func addConst(a float32, x []float32) {
	if !hasAVX512 || len(x) == 0 {
		for i := range x {
			x[i] += a
		}
		return
	}
	addConstAVX512(len(x), a, &x[0])
}

//go:noescape
func sumBlocksAVX512(n int, x *float32, p *[sumLanes]float64)

func sumBlocks(x []float32, p *[sumLanes]float64) {
	if !hasAVX512 || len(x) == 0 {
		sumBlocksGo(x, p)
		return
	}
	sumBlocksAVX512(len(x), &x[0], p)
}

//go:noescape
func reluAVX512(n int, x, y *float32)

//go:noescape
func reluBackwardAVX512(n int, y, gy, gx *float32)

func relu(x, y []float32) {
	if !hasAVX512 || len(x) == 0 {
		ReLURef(x, y)
		return
	}
	_ = y[len(x)-1]
	reluAVX512(len(x), &x[0], &y[0])
}

func reluBackward(y, gy, gx []float32) {
	if !hasAVX512 || len(y) == 0 {
		ReLUBackwardRef(y, gy, gx)
		return
	}
	_, _ = gy[len(y)-1], gx[len(y)-1]
	reluBackwardAVX512(len(y), &y[0], &gy[0], &gx[0])
}
