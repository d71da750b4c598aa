package imageprep

import (
	"encoding/binary"
	"image"
	"image/color"
	"math"
	"os"
	"testing"
)

// fixture returns the ten MNIST test digits of testdata/digits.idx; image
// i shows the digit i.
func fixture(t testing.TB) [][]uint8 {
	t.Helper()
	b, err := os.ReadFile("testdata/digits.idx")
	if err != nil {
		t.Fatal(err)
	}
	if len(b) < 16 || binary.BigEndian.Uint32(b) != 0x803 {
		t.Fatalf("testdata/digits.idx: not an IDX3 file")
	}
	n := int(binary.BigEndian.Uint32(b[4:]))
	rows, cols := int(binary.BigEndian.Uint32(b[8:])), int(binary.BigEndian.Uint32(b[12:]))
	if rows != Size || cols != Size || len(b) != 16+n*Size*Size {
		t.Fatalf("testdata/digits.idx: %d images of %dx%d in %d bytes", n, rows, cols, len(b))
	}
	out := make([][]uint8, n)
	for i := range out {
		out[i] = b[16+i*Size*Size : 16+(i+1)*Size*Size]
	}
	return out
}

// sample28 returns the bilinear interpolation of the 28×28 digit d at
// (u, v) in pixel units (pixel centres at i+0.5), 0 outside.
func sample28(d []uint8, u, v float64) float64 {
	u, v = u-0.5, v-0.5
	x0, y0 := int(math.Floor(u)), int(math.Floor(v))
	tx, ty := u-float64(x0), v-float64(y0)
	at := func(x, y int) float64 {
		if x < 0 || y < 0 || x >= Size || y >= Size {
			return 0
		}
		return float64(d[y*Size+x]) / 255
	}
	return (1-ty)*((1-tx)*at(x0, y0)+tx*at(x0+1, y0)) + ty*((1-tx)*at(x0, y0+1)+tx*at(x0+1, y0+1))
}

// render draws the 28×28 digit d scaled uniformly by scale with its top
// left corner at (ox, oy) of a w×h canvas. dark draws dark ink on white
// paper; bg is the paper's level of grey (0 black, 1 white) before that.
func render(d []uint8, w, h, ox, oy int, scale float64, dark bool) *image.RGBA {
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			ink := sample28(d, (float64(x-ox)+0.5)/scale, (float64(y-oy)+0.5)/scale)
			v := ink
			if dark {
				v = 1 - ink
			}
			g := uint8(math.Round(v * 255))
			img.Set(x, y, color.RGBA{g, g, g, 255})
		}
	}
	return img
}

// similarity returns the normalised (cosine) correlation of a and b and
// their mean absolute difference in levels 0…255.
func similarity(a, b []uint8) (corr, mad float64) {
	var ab, aa, bb, d float64
	for i := range a {
		x, y := float64(a[i]), float64(b[i])
		ab += x * y
		aa += x * x
		bb += y * y
		d += math.Abs(x - y)
	}
	return ab / math.Sqrt(aa*bb), d / float64(len(a))
}

// centreOfMass returns the intensity-weighted centre of a 28×28 digit, in
// pixel indices.
func centreOfMass(d []uint8) (cx, cy float64) {
	var s float64
	for y := 0; y < Size; y++ {
		for x := 0; x < Size; x++ {
			v := float64(d[y*Size+x])
			s += v
			cx += v * float64(x)
			cy += v * float64(y)
		}
	}
	return cx / s, cy / s
}

// bbox returns the bounding box of the pixels of d above level.
func bbox(d []uint8, level uint8) image.Rectangle {
	r := image.Rectangle{Min: image.Pt(Size, Size)}
	for y := 0; y < Size; y++ {
		for x := 0; x < Size; x++ {
			if d[y*Size+x] > level {
				r = r.Union(image.Rect(x, y, x+1, y+1))
			}
		}
	}
	return r
}

// shift returns d moved right by dx and down by dy pixels, zero filled.
func shift(d []uint8, dx, dy int) []uint8 {
	out := make([]uint8, len(d))
	for y := 0; y < Size; y++ {
		for x := 0; x < Size; x++ {
			if sx, sy := x-dx, y-dy; sx >= 0 && sy >= 0 && sx < Size && sy < Size {
				out[y*Size+x] = d[sy*Size+sx]
			}
		}
	}
	return out
}

// bestSimilarity returns similarity(a, b) for the shift of b by at most one
// pixel each way that correlates best: resampling may move the centre of
// mass across a rounding boundary, and MNIST's own digits lie up to half a
// pixel from the centre.
func bestSimilarity(a, b []uint8) (corr, mad float64) {
	for dy := -1; dy <= 1; dy++ {
		for dx := -1; dx <= 1; dx++ {
			if c, m := similarity(a, shift(b, dx, dy)); c > corr {
				corr, mad = c, m
			}
		}
	}
	return corr, mad
}
