package viz

import (
	"fmt"
	"image"
)

// DigitsPerRow is the number of digits per row of Misclassified.
const DigitsPerRow = 10

// Misclassified draws the examples that a network got wrong, as Nielsen's
// figure of the 33 misclassified test digits: each digit (dark ink on
// white, twice its size) with "true→predicted" in red under it, in rows of
// DigitsPerRow, in the order of the examples. images holds the examples
// one after another, rows×cols bytes each, 0 background and 255 ink (as
// MNIST's IDX files); truth and predicted are their classes. At most
// limit digits are drawn (all when limit ≤ 0). With none to draw the
// picture says "no misclassified digits". It panics when the lengths
// disagree.
func Misclassified(images []uint8, rows, cols int, truth, predicted []int, limit int) *image.RGBA {
	n := len(truth)
	if len(predicted) != n || rows < 1 || cols < 1 || len(images) < n*rows*cols {
		panic(fmt.Sprintf("viz.Misclassified: %d images of %d×%d (%d bytes), %d true and %d predicted labels",
			len(images)/max(rows*cols, 1), rows, cols, len(images), n, len(predicted)))
	}
	var wrong []int
	for i := 0; i < n && (limit <= 0 || len(wrong) < limit); i++ {
		if truth[i] != predicted[i] {
			wrong = append(wrong, i)
		}
	}
	if len(wrong) == 0 {
		const msg = "no misclassified digits"
		img := canvas(textWidth(msg, labelScale)+2*margin, labelHeight+2*margin, white)
		drawText(img, margin, margin, msg, textColor, labelScale)
		return img
	}
	const scale = 2
	labelW := textWidth("00→00", labelScale)
	cellW := max(cols*scale, labelW) + margin
	cellH := rows*scale + 4 + labelHeight + margin/2
	perRow := min(len(wrong), DigitsPerRow)
	nrows := (len(wrong) + perRow - 1) / perRow
	img := canvas(perRow*cellW+margin, nrows*cellH+margin, white)
	for k, i := range wrong {
		x := margin + (k%perRow)*cellW + (cellW-margin-cols*scale)/2
		y := margin + (k/perRow)*cellH
		digit := make([]float32, rows*cols)
		for j, b := range images[i*rows*cols : (i+1)*rows*cols] {
			digit[j] = float32(b)
		}
		drawMap(img, x, y, digit, rows, cols, 0, 255, scale)
		outline(img, image.Rect(x-1, y-1, x+cols*scale+1, y+rows*scale+1), frame)
		drawTextCentred(img, x+cols*scale/2, y+rows*scale+4, fmt.Sprintf("%d→%d", truth[i], predicted[i]), errColor, labelScale)
	}
	return img
}
