//go:build amd64 && !purego

package f32

//go:noescape
func copyBlocksAVX512(dst *float32, lddst int, src *float32, ldsrc int, rows, cols, n, dstep, sstep int)

//go:noescape
func addRowsAVX512(dst *float32, lddst int, src *float32, ldsrc int, rows, cols int)

// copyBlocks copies n rows×cols blocks, block b from src[b·sstep:] (row
// stride ldsrc) to dst[b·dstep:] (row stride lddst).
func copyBlocks(dst []float32, lddst int, src []float32, ldsrc int, rows, cols, n, dstep, sstep int) {
	if rows <= 0 || cols <= 0 || n <= 0 {
		return
	}
	if !hasAVX512 {
		copyBlocksGo(dst, lddst, src, ldsrc, rows, cols, n, dstep, sstep)
		return
	}
	_ = dst[(n-1)*dstep+(rows-1)*lddst+cols-1]
	_ = src[(n-1)*sstep+(rows-1)*ldsrc+cols-1]
	copyBlocksAVX512(&dst[0], lddst, &src[0], ldsrc, rows, cols, n, dstep, sstep)
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
