package f32

// Row sums in float64 over sumLanes interleaved partial sums, the bias
// gradient of a convolution (Σ over batch and positions of dCost/dy).

// sumLanes is the number of partial sums of a row sum: element j of a row
// goes to partial j mod sumLanes.
const sumLanes = 32

// SumRowsRef sets dst[i] to the sum of row i of x (m rows of n floats,
// stride ldx), accumulated in float64: element j is added to partial sum
// j mod 32 in order of j, then the 32 partial sums are added pairwise
// (p[l] += p[l+16], then p[l] += p[l+8], … down to p[0]), and the total is
// rounded to float32 once.
func SumRowsRef(m, n int, x []float32, ldx int, dst []float32) {
	for i := 0; i < m; i++ {
		var p [sumLanes]float64
		row := x[i*ldx : i*ldx+n]
		for j, v := range row {
			p[j%sumLanes] += float64(v)
		}
		dst[i] = reduceLanes(&p)
	}
}

// reduceLanes adds the partial sums pairwise in the order SumRowsRef
// states.
func reduceLanes(p *[sumLanes]float64) float32 {
	for w := sumLanes / 2; w >= 1; w /= 2 {
		for l := 0; l < w; l++ {
			p[l] += p[l+w]
		}
	}
	return float32(p[0])
}

// sumRow is one row of SumRows: the whole blocks of sumLanes floats by
// sumBlocks (SIMD where available), the tail as SumRowsRef.
func sumRow(row []float32) float32 {
	var p [sumLanes]float64
	nb := len(row) / sumLanes * sumLanes
	sumBlocks(row[:nb], &p)
	for j := nb; j < len(row); j++ {
		p[j-nb] += float64(row[j])
	}
	return reduceLanes(&p)
}

// sumBlocksGo adds x (a multiple of sumLanes floats) into p lane by lane.
func sumBlocksGo(x []float32, p *[sumLanes]float64) {
	for j := 0; j+sumLanes <= len(x); j += sumLanes {
		blk := x[j : j+sumLanes]
		for l, v := range blk {
			p[l] += float64(v)
		}
	}
}

// SumRows sets dst[i] to the sum of row i of x, bit-identical to SumRowsRef,
// splitting the rows among the workers.
func SumRows(m, n int, x []float32, ldx int, dst []float32) {
	if m <= 0 {
		return
	}
	_ = dst[m-1]
	if n <= 0 {
		clear(dst[:m])
		return
	}
	checkMat("x", false, m, n, x, ldx)
	runElem(elemTask{op: opSumRows, x: x, y: dst, n: n, ldy: ldx}, m, n)
}
