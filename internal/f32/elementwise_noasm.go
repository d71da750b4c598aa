//go:build !amd64 || purego

package f32

func axpy(a float32, x, y []float32) { AxpyRef(a, x, y) }

func scale(a float32, x []float32) { ScaleRef(a, x) }

func addConst(a float32, x []float32) {
	for i := range x {
		x[i] += a
	}
}

func sumBlocks(x []float32, p *[sumLanes]float64) { sumBlocksGo(x, p) }

func relu(x, y []float32) { ReLURef(x, y) }

func reluBackward(y, gy, gx []float32) { ReLUBackwardRef(y, gy, gx) }
