package f32

func copyRowsGo(dst []float32, lddst int, src []float32, ldsrc int, rows, cols int) {
	for r := 0; r < rows; r++ {
		copy(dst[r*lddst:r*lddst+cols], src[r*ldsrc:r*ldsrc+cols])
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
