package viz

import (
	"fmt"
	"image"
)

// TileOptions says how Tiles lays out and shades its images.
type TileOptions struct {
	// PerRow is the number of images in a row (all in one row when 0).
	PerRow int
	// Scale is the side in pixels of one value's square (1 when 0).
	Scale int
	// Lo and Hi are the values shaded white and black, the same for every
	// image (0 and 1 for pixel probabilities); when Lo ≥ Hi each image is
	// shaded on its own range, its smallest value white and its largest
	// black (a layer's filters, whose scales differ).
	Lo, Hi float32
	// Title, when set, is written above the grid.
	Title string
	// RowLabels, when set, are written left of the rows, one a row
	// ("0" to "9" for digits generated per label).
	RowLabels []string
}

// Tiles draws n images of h×w values each, v[i·h·w:(i+1)·h·w] row-major,
// in a grid: digits as probabilities of ink, generated or reconstructed,
// or an RBM's filters (each hidden unit's weights on the 784 pixels).
// Darker is larger, as in Nielsen's figures (ink on white for digits),
// with slate borders between images. The picture's size depends only on
// n, h, w and o. Tiles panics when v holds fewer than n images or a size
// is not positive.
func Tiles(v []float32, n, h, w int, o TileOptions) *image.RGBA {
	if n < 1 || h < 1 || w < 1 || len(v) < n*h*w {
		panic(fmt.Sprintf("viz.Tiles: %d values for %d images of %d×%d", len(v), n, h, w))
	}
	scale, per := max(o.Scale, 1), o.PerRow
	if per <= 0 || per > n {
		per = n
	}
	rows := (n + per - 1) / per
	gap := max(1, scale/2)
	left, top := 0, 0
	for _, l := range o.RowLabels {
		left = max(left, textWidth(l, labelScale)+margin)
	}
	if o.Title != "" {
		top = labelHeight + margin/2
	}
	tw, th := w*scale+gap, h*scale+gap
	img := canvas(left+per*tw+gap, top+rows*th+gap, white)
	fillRect(img, image.Rect(left, top, left+per*tw+gap, top+rows*th+gap), frame)
	if o.Title != "" {
		drawText(img, left, margin/4, o.Title, textColor, labelScale)
	}
	for r := 0; r < rows && r < len(o.RowLabels); r++ {
		drawText(img, 0, top+r*th+gap+(h*scale-glyphH*labelScale)/2, o.RowLabels[r], textColor, labelScale)
	}
	for i := range n {
		tile := v[i*h*w : (i+1)*h*w]
		lo, hi := o.Lo, o.Hi
		if lo >= hi {
			lo, hi = rangeOf(tile)
		}
		drawMap(img, left+gap+(i%per)*tw, top+gap+(i/per)*th, tile, h, w, lo, hi, scale)
	}
	return img
}

// Stack draws the pictures one under another, left-aligned on white: a
// plot of training curves above another.
func Stack(pictures ...image.Image) *image.RGBA {
	w, h := 0, 0
	for _, p := range pictures {
		w, h = max(w, p.Bounds().Dx()), h+p.Bounds().Dy()
	}
	img := canvas(w, h, white)
	y := 0
	for _, p := range pictures {
		b := p.Bounds()
		for py := b.Min.Y; py < b.Max.Y; py++ {
			for px := b.Min.X; px < b.Max.X; px++ {
				img.Set(px-b.Min.X, y+py-b.Min.Y, p.At(px, py))
			}
		}
		y += b.Dy()
	}
	return img
}
