package f32

import "unsafe"

// genericKernels is the pure-Go kernel set, compiled everywhere; it is the
// only one with the purego build tag or off amd64.
var genericKernels = &kernelSet{name: "purego", mr: 4, nr: 8, micro: microGeneric}

// microGeneric is the pure-Go 4×8 micro-kernel (see kernelSet.micro; it
// always computes full 8-column tiles).
func microGeneric(mr, cols, k int, a, b *float32, ldb int, c *float32, ldc int, alpha, beta float32) {
	const nr = 8
	as := unsafe.Slice(a, mr*k)
	bs := unsafe.Slice(b, (k-1)*ldb+nr)
	var acc [4][nr]float32
	for p := 0; p < k; p++ {
		brow := (*[nr]float32)(bs[p*ldb : p*ldb+nr])
		for r, av := range as[p*mr : p*mr+mr] {
			acc[r][0] += av * brow[0]
			acc[r][1] += av * brow[1]
			acc[r][2] += av * brow[2]
			acc[r][3] += av * brow[3]
			acc[r][4] += av * brow[4]
			acc[r][5] += av * brow[5]
			acc[r][6] += av * brow[6]
			acc[r][7] += av * brow[7]
		}
	}
	cs := unsafe.Slice(c, (mr-1)*ldc+nr)
	for r := 0; r < mr; r++ {
		row := (*[nr]float32)(cs[r*ldc : r*ldc+nr])
		for j := range row {
			if beta == 0 {
				row[j] = alpha * acc[r][j]
			} else {
				row[j] = alpha*acc[r][j] + beta*row[j]
			}
		}
	}
}
