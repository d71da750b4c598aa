//go:build amd64 && !purego

package f32

//go:noescape
func copyRowsAVX512(dst *float32, lddst int, src *float32, ldsrc int, rows, cols int)

//go:noescape
func addRowsAVX512(dst *float32, lddst int, src *float32, ldsrc int, rows, cols int)

// copyRows copies a rows×cols block from src (row stride ldsrc) to dst (row
// stride lddst).
func copyRows(dst []float32, lddst int, src []float32, ldsrc int, rows, cols int) {
	if rows <= 0 || cols <= 0 {
		return
	}
	if !hasAVX512 {
		copyRowsGo(dst, lddst, src, ldsrc, rows, cols)
		return
	}
	_ = dst[(rows-1)*lddst+cols-1]
	_ = src[(rows-1)*ldsrc+cols-1]
	copyRowsAVX512(&dst[0], lddst, &src[0], ldsrc, rows, cols)
}

// addRows adds a rows×cols block of src (row stride ldsrc) to dst (row
// stride lddst), element by element (dst + src, exactly as Go's +).
func addRows(dst []float32, lddst int, src []float32, ldsrc int, rows, cols int) {
	if rows <= 0 || cols <= 0 {
		return
	}
	if !hasAVX512 {
		addRowsGo(dst, lddst, src, ldsrc, rows, cols)
		return
	}
	_ = dst[(rows-1)*lddst+cols-1]
	_ = src[(rows-1)*ldsrc+cols-1]
	addRowsAVX512(&dst[0], lddst, &src[0], ldsrc, rows, cols)
}
