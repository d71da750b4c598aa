package viz

import (
	"fmt"
	"image"
	"image/color"
	"math"
)

// Confusion draws a confusion matrix m (m[i][j] counts the examples of true
// class i predicted as j: rows true, columns predicted) as a heat map with
// each count written in its cell and the classes 0…n-1 along both axes.
// A cell's colour goes from white (0) to dark blue (the largest count) by
// log(1+count)/log(1+largest), so that the few errors off the diagonal
// show beside the diagonal's thousands; the order of the colours is the
// order of the counts. It panics if m is not square.
func Confusion(m [][]int) *image.RGBA {
	n := len(m)
	top := 0
	for i, row := range m {
		if len(row) != n {
			panic(fmt.Sprintf("viz.Confusion: row %d has %d columns, want %d", i, len(row), n))
		}
		for _, c := range row {
			top = max(top, c)
		}
	}
	const cell = 52
	head := labelHeight + lineHeight*labelScale + margin // "predicted" and the column labels
	left := margin + textWidth("true", labelScale) + 2*margin + textWidth(fmt.Sprint(max(n-1, 0)), labelScale) + margin
	img := canvas(left+n*cell+margin, head+n*cell+margin, white)
	drawTextCentred(img, left+n*cell/2, margin/2, "predicted", textColor, labelScale)
	drawText(img, margin, head+n*cell/2-glyphH, "true", textColor, labelScale)
	for i := 0; i < n; i++ {
		label := fmt.Sprint(i)
		drawTextCentred(img, left+i*cell+cell/2, head-lineHeight*labelScale, label, textColor, labelScale)
		drawText(img, left-margin-textWidth(label, labelScale), head+i*cell+cell/2-glyphH, label, textColor, labelScale)
		for j, c := range m[i] {
			r := image.Rect(left+j*cell, head+i*cell, left+(j+1)*cell, head+(i+1)*cell)
			t := heat(c, top)
			fillRect(img, r, heatColor(t))
			outline(img, r.Inset(-1).Intersect(img.Rect), gridColor)
			ink := textColor
			if t > 0.55 {
				ink = white
			}
			scale := labelScale
			if textWidth(fmt.Sprint(c), scale) > cell-4 {
				scale = 1
			}
			drawTextCentred(img, r.Min.X+cell/2, r.Min.Y+(cell-glyphH*scale)/2+scale, fmt.Sprint(c), ink, scale)
		}
	}
	return img
}

// heat returns the level in [0, 1] of count c for largest count top.
func heat(c, top int) float64 {
	if c <= 0 || top <= 0 {
		return 0
	}
	return math.Log1p(float64(c)) / math.Log1p(float64(top))
}

// heatColor blends white (t = 0) into dark blue (t = 1).
func heatColor(t float64) color.RGBA {
	lerp := func(a, b float64) uint8 { return uint8(math.Round(a + t*(b-a))) }
	return color.RGBA{lerp(255, 8), lerp(255, 48), lerp(255, 107), 255}
}
