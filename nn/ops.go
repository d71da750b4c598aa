package nn

// Small element-wise loops the layers share. They are memory-bound and
// cheap next to the matrix products, so they stay in plain Go.

// addConst adds c to every element of x.
func addConst(x []float32, c float32) {
	for i := range x {
		x[i] += c
	}
}

// sum returns Σx, accumulated in float64 for accuracy.
func sum(x []float32) float32 {
	var s float64
	for _, v := range x {
		s += float64(v)
	}
	return float32(s)
}

// transposeInto writes src, an r×c matrix, into dst as c×r.
func transposeInto(dst, src []float32, r, c int) {
	for i := 0; i < r; i++ {
		row := src[i*c : (i+1)*c]
		for j, v := range row {
			dst[j*r+i] = v
		}
	}
}
