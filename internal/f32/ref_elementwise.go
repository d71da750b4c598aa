package f32

// The explicit float32 conversions below forbid fusing a product and a sum
// into one FMA (Go spec), so the fast kernels can match these bit for bit.

// AxpyRef sets y[i] += a·x[i] for i < len(x) (len(y) ≥ len(x)).
func AxpyRef(a float32, x, y []float32) {
	y = y[:len(x)]
	for i, v := range x {
		y[i] += float32(a * v)
	}
}

// ScaleRef sets x[i] *= a.
func ScaleRef(a float32, x []float32) {
	for i := range x {
		x[i] *= a
	}
}

// AddRowVectorRef adds v (n floats) to each of the m rows of y (row stride
// ldy): y[i][j] += v[j]. It is the bias of a dense layer, y = [batch, out].
func AddRowVectorRef(m, n int, v, y []float32, ldy int) {
	for i := 0; i < m; i++ {
		for j := 0; j < n; j++ {
			y[i*ldy+j] += v[j]
		}
	}
}

// AddColVectorRef adds v[i] to every element of row i of y (m rows of n,
// stride ldy): y[i][j] += v[i]. It is the bias of a convolution, y =
// [channels, batch·positions].
func AddColVectorRef(m, n int, v, y []float32, ldy int) {
	for i := 0; i < m; i++ {
		for j := 0; j < n; j++ {
			y[i*ldy+j] += v[i]
		}
	}
}
