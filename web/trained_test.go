package web

import (
	"math/rand/v2"

	"github.com/deepnet-go/deepnet/data"
)

// synthetic returns splits of random images whose label is the brightest
// quarter of the image, which a small network learns a little of.
func synthetic(n int, seed uint64) *data.Splits {
	rng := rand.New(rand.NewPCG(seed, 1))
	set := func(n int) *data.Set {
		s := data.NewSet(n, 28, 28)
		for i := range n {
			label := rng.IntN(4)
			img := s.Image(i)
			for p := range img {
				v := rng.IntN(128)
				if (p/28 >= 14) == (label >= 2) && (p%28 >= 14) == (label%2 == 1) {
					v += 100
				}
				img[p] = uint8(v)
			}
			s.Labels[i] = uint8(label)
		}
		return s
	}
	return &data.Splits{Train: set(n), Validation: set(n / 4), Test: set(n / 4)}
}
