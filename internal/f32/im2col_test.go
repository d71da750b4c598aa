package f32

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"
)

// TestImagesVariants checks that Im2colImages and Col2imImages, run image
// range by image range on col rows ld apart, give Im2colRef and Col2imRef
// of the whole batch, and touch nothing outside their range.
func TestImagesVariants(t *testing.T) {
	rng := rand.New(rand.NewPCG(21, 22))
	forEachVariant(t, func(t *testing.T) {
		for _, g := range convGeoms {
			c, nb, h, w, kh, kw, s := g[0], g[1], g[2], g[3], g[4], g[5], g[6]
			oh, ow := (h-kh)/s+1, (w-kw)/s+1
			rows, width, nplanes := c*kh*kw, nb*oh*ow, c*nb*h*w
			for _, pad := range []int{0, 3} {
				ld := width + pad
				for _, size := range []int{1, 2, 3, nb} {
					what := fmt.Sprint(g, " ld ", ld, " in ranges of ", size)
					src := randSlice(rng, nplanes)
					want := make([]float32, rows*width)
					Im2colRef(src, c, nb, h, w, kh, kw, s, want)
					full, got := withGuards(rows * ld)
					for i := range got {
						got[i] = guard
					}
					for n0 := 0; n0 < nb; n0 += size {
						Im2colImages(src, c, nb, n0, min(size, nb-n0), h, w, kh, kw, s, got, ld)
					}
					checkOuter(t, "Im2colImages "+what, full)
					for r := 0; r < rows; r++ {
						sameBits(t, "Im2colImages "+what, got[r*ld:r*ld+width], want[r*width:(r+1)*width])
						for _, v := range got[r*ld+width : r*ld+ld] {
							if math.Float32bits(v) != guardBits {
								t.Fatalf("Im2colImages %s: wrote row %d's padding", what, r)
							}
						}
					}

					col := randSlice(rng, rows*ld)
					compact := make([]float32, rows*width)
					for r := 0; r < rows; r++ {
						copy(compact[r*width:], col[r*ld:r*ld+width])
					}
					want2 := make([]float32, nplanes)
					Col2imRef(compact, c, nb, h, w, kh, kw, s, want2)
					full2, got2 := withGuards(nplanes)
					for i := range got2 {
						got2[i] = guard
					}
					for n0 := 0; n0 < nb; n0 += size {
						Col2imImages(col, c, nb, n0, min(size, nb-n0), h, w, kh, kw, s, got2, ld)
					}
					checkOuter(t, "Col2imImages "+what, full2)
					sameBits(t, "Col2imImages "+what, got2, want2)
				}
			}
		}
	})
}

func TestImagesVariantsPanic(t *testing.T) {
	src := make([]float32, 2*4*36)
	col := make([]float32, 2*9*4*16)
	for name, f := range map[string]func(){
		"range past the batch": func() { Im2colImages(src, 2, 4, 3, 2, 6, 6, 3, 3, 1, col, 64) },
		"short planes":         func() { Col2imImages(col, 2, 5, 0, 4, 6, 6, 3, 3, 1, src, 80) },
		"short ld":             func() { Im2colImages(src, 2, 4, 0, 4, 6, 6, 3, 3, 1, col, 63) },
	} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("%s: no panic", name)
				}
			}()
			f()
		}()
	}
}
