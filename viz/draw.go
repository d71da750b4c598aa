package viz

import (
	"image"
	"image/color"
	"math"
)

// Colours shared by the pictures.
var (
	white     = color.RGBA{255, 255, 255, 255}
	textColor = color.RGBA{40, 40, 40, 255}
	gridColor = color.RGBA{225, 225, 225, 255}
	frame     = color.RGBA{170, 185, 205, 255} // borders between maps
	errColor  = color.RGBA{200, 30, 30, 255}
)

// seriesColors are the line colours of Curves, in order (Tableau 10).
var seriesColors = []color.RGBA{
	{31, 119, 180, 255}, {255, 127, 14, 255}, {44, 160, 44, 255}, {214, 39, 40, 255},
	{148, 103, 189, 255}, {140, 86, 75, 255}, {227, 119, 194, 255}, {127, 127, 127, 255},
}

// canvas returns a w×h image filled with c.
func canvas(w, h int, c color.RGBA) *image.RGBA {
	img := image.NewRGBA(image.Rect(0, 0, max(w, 1), max(h, 1)))
	fillRect(img, img.Rect, c)
	return img
}

// fillRect paints r (clipped to img) in colour c.
func fillRect(img *image.RGBA, r image.Rectangle, c color.RGBA) {
	r = r.Intersect(img.Rect)
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			img.SetRGBA(x, y, c)
		}
	}
}

// outline draws the one-pixel border just inside r.
func outline(img *image.RGBA, r image.Rectangle, c color.RGBA) {
	fillRect(img, image.Rect(r.Min.X, r.Min.Y, r.Max.X, r.Min.Y+1), c)
	fillRect(img, image.Rect(r.Min.X, r.Max.Y-1, r.Max.X, r.Max.Y), c)
	fillRect(img, image.Rect(r.Min.X, r.Min.Y, r.Min.X+1, r.Max.Y), c)
	fillRect(img, image.Rect(r.Max.X-1, r.Min.Y, r.Max.X, r.Max.Y), c)
}

// shade returns the grey of level t in [0, 1]: white at 0, black at 1
// (darker is larger, as in Nielsen's figures). t is clamped.
func shade(t float64) color.RGBA {
	if math.IsNaN(t) {
		t = 0
	}
	g := uint8(math.Round(255 * (1 - min(1, max(0, t)))))
	return color.RGBA{g, g, g, 255}
}

// drawMap draws the h×w values v (row-major) with their top left corner at
// (x0, y0), each value a scale×scale square shaded by its place in [lo, hi].
func drawMap(img *image.RGBA, x0, y0 int, v []float32, h, w int, lo, hi float32, scale int) {
	span := float64(hi - lo)
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			t := 0.0
			if span > 0 {
				t = float64(v[y*w+x]-lo) / span
			}
			fillRect(img, image.Rect(x0+x*scale, y0+y*scale, x0+(x+1)*scale, y0+(y+1)*scale), shade(t))
		}
	}
}

// rangeOf returns the smallest and largest finite values of v (0, 0 when
// there are none).
func rangeOf(v []float32) (lo, hi float32) {
	first := true
	for _, x := range v {
		if x != x || math.IsInf(float64(x), 0) {
			continue
		}
		if first {
			lo, hi, first = x, x, false
		}
		lo, hi = min(lo, x), max(hi, x)
	}
	return lo, hi
}

// line draws a segment from (x0, y0) to (x1, y1) thick pixels wide.
func line(img *image.RGBA, x0, y0, x1, y1 float64, thick int, c color.RGBA) {
	steps := int(math.Ceil(math.Max(math.Abs(x1-x0), math.Abs(y1-y0)))) + 1
	for i := 0; i <= steps; i++ {
		t := float64(i) / float64(steps)
		x := int(math.Round(x0+t*(x1-x0))) - thick/2
		y := int(math.Round(y0+t*(y1-y0))) - thick/2
		fillRect(img, image.Rect(x, y, x+thick, y+thick), c)
	}
}
