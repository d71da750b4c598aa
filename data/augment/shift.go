package augment

import "fmt"

// checkImage panics unless dst and src both hold a rows×cols image.
func checkImage(fn string, dst, src []uint8, rows, cols int) {
	if rows <= 0 || cols <= 0 || len(src) < rows*cols || len(dst) < rows*cols {
		panic(fmt.Sprintf("augment.%s: %d×%d image, len(src)=%d, len(dst)=%d", fn, rows, cols, len(src), len(dst)))
	}
	if &dst[0] == &src[0] {
		panic(fmt.Sprintf("augment.%s: dst and src must not overlap", fn))
	}
}

// Shift writes into dst the rows×cols image src moved dy pixels down and dx
// pixels right (negative values move up and left); vacated pixels are zero.
// dst and src must not overlap. Shift does not allocate.
func Shift(dst, src []uint8, rows, cols, dy, dx int) {
	checkImage("Shift", dst, src, rows, cols)
	for y := range rows {
		d := dst[y*cols : (y+1)*cols]
		sy := y - dy
		if sy < 0 || sy >= rows || dx >= cols || -dx >= cols {
			clear(d)
			continue
		}
		s := src[sy*cols : (sy+1)*cols]
		if dx >= 0 {
			clear(d[:dx])
			copy(d[dx:], s)
		} else {
			copy(d, s[-dx:])
			clear(d[cols+dx:])
		}
	}
}
