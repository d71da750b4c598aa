//go:build !amd64 || purego

package f32

// copyRows copies a rows×cols block from src (row stride ldsrc) to dst (row
// stride lddst).
func copyRows(dst []float32, lddst int, src []float32, ldsrc int, rows, cols int) {
	copyRowsGo(dst, lddst, src, ldsrc, rows, cols)
}

// addRows adds a rows×cols block of src (row stride ldsrc) to dst.
func addRows(dst []float32, lddst int, src []float32, ldsrc int, rows, cols int) {
	addRowsGo(dst, lddst, src, ldsrc, rows, cols)
}
