//go:build amd64 && !purego

package f32

import "math"

//go:noescape
func sigmoidAVX512(n int, x, y *float32)

//go:noescape
func tanhAVX512(n int, x, y *float32)

//go:noescape
func sigmoidAVX2(n int, x, y *float32)

//go:noescape
func tanhAVX2(n int, x, y *float32)

// actConsts holds the constants of the assembly kernels (activation_amd64.s
// names them by their byte offsets, 32·row), each repeated in a 32-byte
// row: the AVX2 kernels use the rows as memory operands, the AVX-512
// kernels broadcast their first float.
//
//lint:ignore U1000 read by the assembly kernels only
var actConsts = actConstTable()

//lint:ignore U1000 read by the assembly kernels only (through actConsts)
func actConstTable() (t [25][8]float32) {
	v := [...]float32{
		math.Float32frombits(signBit), math.Float32frombits(signBit - 1), 1, 2, // 0–3
		expLog2e, expMagic, expLn2Hi, expLn2Lo, // 4–7
		expP0, expP1, expP2, expP3, expP4, expP5, // 8–13
		sigmoidLo, tanhHi, tanhSmall, 2 * tanhSmall, // 14–17
		tanhQ0, tanhQ1, tanhQ2, tanhQ3, tanhQ4, // 18–22
	}
	for i := range v {
		for j := range t[i] {
			t[i][j] = v[i]
		}
	}
	for j := range 16 { // 23–24: the lane numbers 0–15 (AVX2 tail masks)
		t[23+j/8][j%8] = math.Float32frombits(uint32(j))
	}
	return t
}

// sigmoid and tanh run the AVX-512 kernels (2×16 floats at a time, a
// masked tail), else the AVX2 ones (2×8 at a time, a masked tail), else the
// Go twin; all give the same bits. len(y) = len(x).
func sigmoid(x, y []float32) {
	switch {
	case len(x) == 0:
	case hasAVX512:
		sigmoidAVX512(len(x), &x[0], &y[0])
	case hasAVX2:
		sigmoidAVX2(len(x), &x[0], &y[0])
	default:
		sigmoidGo(x, y)
	}
}

func tanh(x, y []float32) {
	switch {
	case len(x) == 0:
	case hasAVX512:
		tanhAVX512(len(x), &x[0], &y[0])
	case hasAVX2:
		tanhAVX2(len(x), &x[0], &y[0])
	default:
		tanhGo(x, y)
	}
}
