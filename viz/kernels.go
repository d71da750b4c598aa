package viz

import (
	"fmt"
	"image"

	"github.com/deepnet-go/deepnet/tensor"
)

// KernelsPerRow is how many kernels of a one-channel layer Kernels draws in
// a row (Nielsen's figure of 20 feature maps has two rows of 10).
const KernelsPerRow = 10

// Kernels draws the kernels of a convolutional layer, weights w of shape
// [F][C][KH][KW] (ConvLayer.W.Value), as a grid of small squares in the
// manner of Nielsen's figure of the 20 feature maps of his first
// convolutional layer: each weight a scale×scale square, darker for a
// larger weight, white for the smallest, and slate borders between kernels.
//
// Every kernel is shaded on the range of the whole layer (its smallest to
// its largest weight), not its own, so that kernels compare: a faint kernel
// has small weights.
//
// With one input channel (C = 1) the F kernels fill rows of KernelsPerRow.
// With several, row f shows output map f and column c its kernel on input
// channel c (F rows of C squares), so every weight of the layer is visible.
// Kernels panics if w is not 4-dimensional; scale below 1 counts as 1.
func Kernels(w *tensor.Tensor, scale int) *image.RGBA {
	if len(w.Shape) != 4 {
		panic(fmt.Sprintf("viz.Kernels: weights of shape %s, want [F][C][KH][KW]", tensor.ShapeString(w.Shape)))
	}
	f, c, kh, kw := w.Shape[0], w.Shape[1], w.Shape[2], w.Shape[3]
	scale = max(scale, 1)
	rows, cols := f, c
	if c == 1 {
		cols = min(f, KernelsPerRow)
		rows = (f + cols - 1) / max(cols, 1)
	}
	gap := max(1, scale/2)
	cw, ch := kw*scale, kh*scale
	img := canvas(cols*(cw+gap)+gap, rows*(ch+gap)+gap, frame)
	lo, hi := rangeOf(w.Data)
	for i := 0; i < f*c; i++ {
		r, col := i/c, i%c // one row per output map
		if c == 1 {
			r, col = i/cols, i%cols
		}
		drawMap(img, gap+col*(cw+gap), gap+r*(ch+gap), w.Data[i*kh*kw:(i+1)*kh*kw], kh, kw, lo, hi, scale)
	}
	return img
}
