package imageprep

import (
	"image"
	"math"
)

// gray is a grayscale image with float32 levels in [0, 1], row-major.
type gray struct {
	w, h int
	pix  []float32
}

func newGray(w, h int) *gray { return &gray{w: w, h: h, pix: make([]float32, w*h)} }

func (g *gray) at(x, y int) float32 { return g.pix[y*g.w+x] }

// sub returns a copy of the part of g inside r.
func (g *gray) sub(r image.Rectangle) *gray {
	s := newGray(r.Dx(), r.Dy())
	for y := 0; y < s.h; y++ {
		copy(s.pix[y*s.w:(y+1)*s.w], g.pix[(y+r.Min.Y)*g.w+r.Min.X:])
	}
	return s
}

// grayscale returns the luminance of img (0 black, 1 white), with
// transparent pixels composited over white.
func grayscale(img image.Image) *gray {
	b := img.Bounds()
	g := newGray(b.Dx(), b.Dy())
	switch m := img.(type) {
	case *image.Gray:
		for y := 0; y < g.h; y++ {
			row := m.Pix[y*m.Stride : y*m.Stride+g.w]
			for x, v := range row {
				g.pix[y*g.w+x] = float32(v) / 255
			}
		}
	case *image.YCbCr: // JPEG: Y is the luminance already
		for y := 0; y < g.h; y++ {
			for x := 0; x < g.w; x++ {
				g.pix[y*g.w+x] = float32(m.Y[m.YOffset(b.Min.X+x, b.Min.Y+y)]) / 255
			}
		}
	default:
		for y := 0; y < g.h; y++ {
			for x := 0; x < g.w; x++ {
				r, gr, bl, a := img.At(b.Min.X+x, b.Min.Y+y).RGBA() // premultiplied
				white := float64(0xffff - a)
				lum := 0.299*(float64(r)+white) + 0.587*(float64(gr)+white) + 0.114*(float64(bl)+white)
				g.pix[y*g.w+x] = float32(lum / 0xffff)
			}
		}
	}
	return g
}

// tap is one source pixel's weight in an output pixel.
type tap struct {
	i int
	w float32
}

// kernel returns, for each of m output pixels resampled from n source
// pixels, the source pixels and their weights: the area each source pixel
// covers when shrinking (m < n), bilinear interpolation when growing.
func kernel(n, m int) [][]tap {
	k := make([][]tap, m)
	ratio := float64(n) / float64(m)
	for j := range k {
		if m < n {
			lo, hi := float64(j)*ratio, float64(j+1)*ratio
			for i := int(lo); i < n && float64(i) < hi; i++ {
				cover := math.Min(hi, float64(i+1)) - math.Max(lo, float64(i))
				if cover > 0 {
					k[j] = append(k[j], tap{i, float32(cover / ratio)})
				}
			}
			continue
		}
		p := (float64(j)+0.5)*ratio - 0.5
		i0 := int(math.Floor(p))
		t := float32(p - float64(i0))
		clamp := func(i int) int { return min(max(i, 0), n-1) }
		k[j] = []tap{{clamp(i0), 1 - t}, {clamp(i0 + 1), t}}
	}
	return k
}

// resize resamples g to w×h, rows first, then columns.
func resize(g *gray, w, h int) *gray {
	kx, ky := kernel(g.w, w), kernel(g.h, h)
	rows := newGray(w, g.h)
	for y := 0; y < g.h; y++ {
		src := g.pix[y*g.w : (y+1)*g.w]
		for x, taps := range kx {
			var s float32
			for _, t := range taps {
				s += t.w * src[t.i]
			}
			rows.pix[y*w+x] = s
		}
	}
	out := newGray(w, h)
	for y, taps := range ky {
		for x := 0; x < w; x++ {
			var s float32
			for _, t := range taps {
				s += t.w * rows.pix[t.i*w+x]
			}
			out.pix[y*w+x] = s
		}
	}
	return out
}
