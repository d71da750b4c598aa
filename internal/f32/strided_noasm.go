//go:build !amd64 || purego

package f32

// copyBlocks copies n rows×cols blocks, block b from src[b·sstep:] (row
// stride ldsrc) to dst[b·dstep:] (row stride lddst).
func copyBlocks(dst []float32, lddst int, src []float32, ldsrc int, rows, cols, n, dstep, sstep int) {
	copyBlocksGo(dst, lddst, src, ldsrc, rows, cols, n, dstep, sstep)
}

// addRows adds a rows×cols block of src (row stride ldsrc) to dst.
func addRows(dst []float32, lddst int, src []float32, ldsrc int, rows, cols int) {
	addRowsGo(dst, lddst, src, ldsrc, rows, cols)
}
