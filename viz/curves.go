package viz

import (
	"image"
	"math"
	"strconv"
	"strings"
)

// Series is one line of a Curves plot: Y[i] is the value at epoch i+1.
// NaN values are gaps.
type Series struct {
	Name string
	Y    []float64
}

// Size of a Curves picture.
const (
	CurvesWidth  = 720
	CurvesHeight = 440
)

// Curves draws series as lines against the epoch (1, 2, …), such as the
// validation and test accuracy of each epoch of a training run: a title,
// a legend of the series' names in their colours (in as many rows as they
// need: the plot below gives up the height), the y axis fitted to the
// data and rounded out to whole ticks (e.g. 97 to 100 for accuracies
// between 97.2 and 99.4), ticks and grid lines on both axes (the first
// epoch and multiples of a round step), and points marked where there are
// at most 60 epochs. It draws an empty frame when there is no data.
func Curves(series []Series, title string) *image.RGBA {
	return CurvesOver(series, title, "epoch")
}

// CurvesOver is Curves with another name for the x axis (x = 1, 2, …):
// "time step", "layer".
func CurvesOver(series []Series, title, xName string) *image.RGBA {
	img := canvas(CurvesWidth, CurvesHeight, white)
	lo, hi, epochs := math.Inf(1), math.Inf(-1), 0
	for _, s := range series {
		epochs = max(epochs, len(s.Y))
		for _, y := range s.Y {
			if !math.IsNaN(y) && !math.IsInf(y, 0) {
				lo, hi = math.Min(lo, y), math.Max(hi, y)
			}
		}
	}
	if lo > hi {
		lo, hi = 0, 1
	}
	if d := hi - lo; d < 1e-9*math.Max(1, math.Abs(hi)) {
		pad := math.Max(math.Abs(hi)*0.01, 1e-3)
		lo, hi = lo-pad, hi+pad
	}
	ystep := niceStep(hi-lo, 6)
	lo, hi = math.Floor(lo/ystep+1e-9)*ystep, math.Ceil(hi/ystep-1e-9)*ystep
	xmax := max(epochs, 2)
	xstep := math.Max(1, niceStep(float64(xmax-1), 10))
	decimals := max(0, int(math.Ceil(-math.Log10(ystep)-1e-9)))
	ylabel := func(v float64) string { return strconv.FormatFloat(v, 'f', decimals, 64) }

	labelW := max(textWidth(ylabel(lo), labelScale), textWidth(ylabel(hi), labelScale))
	keys, legendRows := legend(series, margin*2+labelW, CurvesWidth-margin)
	plot := image.Rect(margin*2+labelW, margin+(1+legendRows)*labelHeight+margin, CurvesWidth-3*margin,
		CurvesHeight-margin-2*labelHeight-margin)
	px := func(x float64) float64 {
		return float64(plot.Min.X) + (x-1)/float64(xmax-1)*float64(plot.Dx()-1)
	}
	py := func(y float64) float64 {
		return float64(plot.Max.Y-1) - (y-lo)/(hi-lo)*float64(plot.Dy()-1)
	}

	drawTextCentred(img, CurvesWidth/2, margin, title, textColor, labelScale)
	for v := lo; v <= hi+ystep/2; v += ystep {
		y := int(math.Round(py(v)))
		fillRect(img, image.Rect(plot.Min.X, y, plot.Max.X, y+1), gridColor)
		fillRect(img, image.Rect(plot.Min.X-5, y, plot.Min.X, y+1), textColor)
		s := ylabel(v)
		drawText(img, plot.Min.X-8-textWidth(s, labelScale), y-glyphH+1, s, textColor, labelScale)
	}
	ticks := []float64{1}
	for e := xstep; e <= float64(xmax)+1e-9; e += xstep {
		if e > 1 {
			ticks = append(ticks, e)
		}
	}
	for _, e := range ticks {
		x := int(math.Round(px(e)))
		fillRect(img, image.Rect(x, plot.Min.Y, x+1, plot.Max.Y), gridColor)
		fillRect(img, image.Rect(x, plot.Max.Y, x+1, plot.Max.Y+5), textColor)
		drawTextCentred(img, x, plot.Max.Y+8, strconv.Itoa(int(e)), textColor, labelScale)
	}
	outline(img, plot.Inset(-1), textColor)
	drawTextCentred(img, (plot.Min.X+plot.Max.X)/2, plot.Max.Y+8+labelHeight, xName, textColor, labelScale)

	for i, s := range series {
		c := seriesColors[i%len(seriesColors)]
		x, ly := keys[i].at.X, keys[i].at.Y+labelHeight/2
		fillRect(img, image.Rect(x, ly-2, x+24, ly+1), c)
		for j, l := range keys[i].lines {
			drawText(img, x+30, ly-glyphH+j*labelHeight, l, textColor, labelScale)
		}
		for j, y := range s.Y {
			if math.IsNaN(y) || math.IsInf(y, 0) {
				continue
			}
			if j > 0 && !math.IsNaN(s.Y[j-1]) && !math.IsInf(s.Y[j-1], 0) {
				line(img, px(float64(j)), py(s.Y[j-1]), px(float64(j+1)), py(y), 2, c)
			}
			if epochs <= 60 {
				cx, cy := int(math.Round(px(float64(j+1)))), int(math.Round(py(y)))
				fillRect(img, image.Rect(cx-3, cy-3, cx+3, cy+3), c)
			}
		}
	}
	return img
}

// legendKey is where Curves draws a series' key (a swatch and its name,
// in one line or, when it is wider than the legend, several).
type legendKey struct {
	at    image.Point // the top left corner
	lines []string
}

// legend places the series' keys in rows under the title, from x = left,
// starting a new row where a key would pass right: it returns the keys and
// the number of rows (at least 1). A name wider than a row is broken at
// spaces over rows of its own.
func legend(series []Series, left, right int) ([]legendKey, int) {
	keys := make([]legendKey, len(series))
	x, row := left, 0
	for i, s := range series {
		lines := []string{s.Name}
		if 30+textWidth(s.Name, labelScale) > right-left {
			lines = wrapWords(s.Name, right-left-30)
		}
		w := 30
		for _, l := range lines {
			w = max(w, 30+textWidth(l, labelScale))
		}
		if x > left && (x+w > right || len(lines) > 1) {
			x, row = left, row+1
		}
		keys[i] = legendKey{image.Pt(x, margin+(1+row)*labelHeight), lines}
		x += w + 3*margin
		if len(lines) > 1 { // the next key starts below
			x, row = right, row+len(lines)-1
		}
	}
	return keys, row + 1
}

// wrapWords breaks s at spaces into lines of at most width pixels (a word
// wider than that is a line of its own).
func wrapWords(s string, width int) []string {
	var lines []string
	line := ""
	for _, w := range strings.Fields(s) {
		switch {
		case line == "":
			line = w
		case textWidth(line+" "+w, labelScale) <= width:
			line += " " + w
		default:
			lines, line = append(lines, line), w
		}
	}
	return append(lines, line)
}

// niceStep returns a step of 1, 2 or 5 times a power of ten that divides
// span into about n parts.
func niceStep(span float64, n int) float64 {
	if span <= 0 || math.IsNaN(span) || math.IsInf(span, 0) {
		return 1
	}
	raw := span / float64(n)
	p := math.Pow(10, math.Floor(math.Log10(raw)))
	for _, m := range []float64{1, 2, 5, 10} {
		if m*p >= raw {
			return m * p
		}
	}
	return 10 * p
}
