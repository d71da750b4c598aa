package f32

func copyBlocksGo(dst []float32, lddst int, src []float32, ldsrc int, rows, cols, n, dstep, sstep int) {
	for b := 0; b < n; b++ {
		for r := 0; r < rows; r++ {
			copy(dst[b*dstep+r*lddst:b*dstep+r*lddst+cols], src[b*sstep+r*ldsrc:b*sstep+r*ldsrc+cols])
		}
	}
}

func addRowsGo(dst []float32, lddst int, src []float32, ldsrc int, rows, cols int) {
	for r := 0; r < rows; r++ {
		d := dst[r*lddst : r*lddst+cols]
		for j, v := range src[r*ldsrc : r*ldsrc+cols] {
			d[j] += v
		}
	}
}
