package augment

import (
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/deepnet-go/deepnet/data"
)

// ExpandShifts are the one-pixel shifts (dy, dx) of expand_mnist.py, in its
// order: down, up, right, left.
var ExpandShifts = [4][2]int{{1, 0}, {-1, 0}, {0, 1}, {0, -1}}

// Expand returns network3's expanded training set (expand_mnist.py): each
// image of s followed by its four one-pixel shifts in the order of
// ExpandShifts, 5×s.N examples in all, with every copy keeping its label; the
// expanded set is then shuffled, images with their labels, by
// rand.New(rand.NewPCG(seed, ExpandStream)).Shuffle. s is not modified.
func Expand(s *data.Set, seed uint64) *data.Set {
	if s.N > math.MaxInt32/5 {
		panic(fmt.Sprintf("augment.Expand: %d images, too many to expand 5×", s.N))
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
func expandInOrder(s *data.Set, order []int32) *data.Set {
	p := s.Pixels()
	out := data.NewSet(len(order), s.Rows, s.Cols)
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
