package imageprep

import (
	"errors"
	"fmt"
	"image"
	"math"
	"slices"
)

// Size is the side of the images Digit returns, Box the side of the box the
// digit is scaled into (MNIST's 28 and 20).
const (
	Size = 28
	Box  = 20
)

// InkThreshold is the level (0 background, 1 the brightest ink, after the
// levels step) above which a pixel counts as ink for the bounding box.
const InkThreshold = 0.3

// minContrast is the smallest difference between the background level and
// the brightest pixel that Digit takes for a digit rather than noise.
const minContrast = 0.08

// ErrNoDigit is wrapped by the error Digit returns for an image with no ink.
var ErrNoDigit = errors.New("no digit found")

// Digit returns img as a 28×28 MNIST-like digit: row-major, 0 background,
// 255 ink, the digit scaled into a 20×20 box and centred by its centre of
// mass (see the package documentation for each step). It returns an error
// wrapping ErrNoDigit when img is empty or shows no digit.
func Digit(img image.Image) ([]uint8, error) {
	b := img.Bounds()
	if b.Dx() < 1 || b.Dy() < 1 {
		return nil, fmt.Errorf("imageprep: empty %dx%d image: %w", b.Dx(), b.Dy(), ErrNoDigit)
	}
	g := grayscale(img)
	if err := levels(g); err != nil {
		return nil, err
	}
	box, ok := inkBox(g, InkThreshold)
	if !ok {
		return nil, fmt.Errorf("imageprep: %w", ErrNoDigit)
	}
	crop := g.sub(box)
	s := float64(Box) / float64(max(crop.w, crop.h))
	nw := max(1, int(math.Round(float64(crop.w)*s)))
	nh := max(1, int(math.Round(float64(crop.h)*s)))
	small := resize(crop, nw, nh)
	stretch(small.pix)
	return centre(small), nil
}

// levels decides the polarity of g from its border, inverts it if the
// background is light, and maps the background level to 0 and the
// brightest pixel to 1.
func levels(g *gray) error {
	border := make([]float32, 0, 2*(g.w+g.h))
	for x := 0; x < g.w; x++ {
		border = append(border, g.at(x, 0), g.at(x, g.h-1))
	}
	for y := 1; y < g.h-1; y++ {
		border = append(border, g.at(0, y), g.at(g.w-1, y))
	}
	slices.Sort(border)
	bg := border[len(border)/2]
	if bg > 0.5 {
		for i, v := range g.pix {
			g.pix[i] = 1 - v
		}
		bg = 1 - bg
	}
	top := slices.Max(g.pix)
	if top-bg < minContrast {
		return fmt.Errorf("imageprep: image of nearly one level: %w", ErrNoDigit)
	}
	scale := 1 / (top - bg)
	for i, v := range g.pix {
		g.pix[i] = min(1, max(0, (v-bg)*scale))
	}
	return nil
}

// inkBox returns the bounding box of the pixels of g above threshold.
func inkBox(g *gray, threshold float32) (image.Rectangle, bool) {
	r := image.Rectangle{Min: image.Pt(g.w, g.h)}
	for y := 0; y < g.h; y++ {
		for x := 0; x < g.w; x++ {
			if g.at(x, y) > threshold {
				r.Min.X, r.Min.Y = min(r.Min.X, x), min(r.Min.Y, y)
				r.Max.X, r.Max.Y = max(r.Max.X, x+1), max(r.Max.Y, y+1)
			}
		}
	}
	return r, r.Max.X > r.Min.X
}

// stretch scales v so that its largest value is 1.
func stretch(v []float32) {
	top := slices.Max(v)
	if top <= 0 {
		return
	}
	for i := range v {
		v[i] /= top
	}
}

// centre places g (at most Box×Box) in a Size×Size frame with its centre of
// mass as near pixel (14, 14) as an integer shift inside the frame allows,
// and quantises it to uint8. Coordinates are pixel indices, as in MNIST,
// whose digits have their centre of mass within half a pixel of (14, 14).
func centre(g *gray) []uint8 {
	var sum, sx, sy float64
	for y := 0; y < g.h; y++ {
		for x := 0; x < g.w; x++ {
			v := float64(g.at(x, y))
			sum += v
			sx += v * float64(x)
			sy += v * float64(y)
		}
	}
	ox, oy := (Size-g.w)/2, (Size-g.h)/2
	if sum > 0 {
		ox = int(math.Round(Size/2 - sx/sum))
		oy = int(math.Round(Size/2 - sy/sum))
	}
	ox = min(max(ox, 0), Size-g.w)
	oy = min(max(oy, 0), Size-g.h)
	out := make([]uint8, Size*Size)
	for y := 0; y < g.h; y++ {
		for x := 0; x < g.w; x++ {
			out[(y+oy)*Size+x+ox] = uint8(math.Round(float64(g.at(x, y)) * 255))
		}
	}
	return out
}
