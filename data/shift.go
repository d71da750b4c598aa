package data

import (
	"fmt"
	"math"
	"math/rand/v2"
)

// checkImage panics unless dst and src both hold a rows×cols image.
func checkImage(fn string, dst, src []uint8, rows, cols int) {
	if rows <= 0 || cols <= 0 || len(src) < rows*cols || len(dst) < rows*cols {
		panic(fmt.Sprintf("data.%s: %d×%d image, len(src)=%d, len(dst)=%d", fn, rows, cols, len(src), len(dst)))
	}
	if &dst[0] == &src[0] {
		panic(fmt.Sprintf("data.%s: dst and src must not overlap", fn))
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

// ExpandShifts are the one-pixel shifts (dy, dx) of expand_mnist.py, in its
// order: down, up, right, left.
var ExpandShifts = [4][2]int{{1, 0}, {-1, 0}, {0, 1}, {0, -1}}

// Expand returns network3's expanded training set (expand_mnist.py): each
// image of s followed by its four one-pixel shifts in the order of
// ExpandShifts, 5×s.N examples in all, with every copy keeping its label; the
// expanded set is then shuffled, images with their labels, by
// rand.New(rand.NewPCG(seed, ExpandStream)).Shuffle. s is not modified.
func Expand(s *Set, seed uint64) *Set {
	if s.N > math.MaxInt32/5 {
		panic(fmt.Sprintf("data.Expand: %d images, too many to expand 5×", s.N))
	}
	order := make([]int32, 5*s.N)
	for i := range order {
		order[i] = int32(i)
	}
	rng := rand.New(rand.NewPCG(seed, ExpandStream))
	rng.Shuffle(len(order), func(i, j int) { order[i], order[j] = order[j], order[i] })
	return expandInOrder(s, order)
}

// ExpandStream is the second PCG seed word Expand uses.
const ExpandStream = 0x6e657477_6f726b33 // "network3"

// expandInOrder returns the set whose example i is expanded example order[i]:
// example 5k is image k of s, and 5k+1+j is image k shifted by
// ExpandShifts[j]. Shuffling the order and gathering equals shuffling the
// expanded set with the same swaps.
func expandInOrder(s *Set, order []int32) *Set {
	p := s.Pixels()
	out := NewSet(len(order), s.Rows, s.Cols)
	for i, v := range order {
		k, j := int(v)/5, int(v)%5
		dst := out.Images[i*p : (i+1)*p]
		if j == 0 {
			copy(dst, s.Image(k))
		} else {
			sh := ExpandShifts[j-1]
			Shift(dst, s.Image(k), s.Rows, s.Cols, sh[0], sh[1])
		}
		out.Labels[i] = s.Labels[k]
	}
	return out
}
