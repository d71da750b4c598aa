package viz

import (
	"image"
	"image/png"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// digitImages returns n fake 28×28 digits: a bar whose position depends
// on the index.
func digitImages(n int) []uint8 {
	b := make([]uint8, n*784)
	for i := 0; i < n; i++ {
		for y := 4; y < 24; y++ {
			for x := 0; x < 3; x++ {
				b[i*784+y*28+4+i%20+x] = 255
			}
		}
	}
	return b
}

func TestMisclassified(t *testing.T) {
	truth := []int{7, 2, 1, 0, 4, 1, 4, 9, 5, 9, 0, 6, 9, 0, 1}
	pred := []int{7, 3, 1, 6, 4, 7, 4, 4, 5, 9, 0, 5, 9, 8, 1}
	img := Misclassified(digitImages(len(truth)), 28, 28, truth, pred, 0)
	save(t, "misclassified.png", img)
	// 6 wrong: one row of 6 cells.
	labelW := textWidth("00→00", labelScale)
	cellW := max(56, labelW) + margin
	if b := img.Bounds(); b.Dx() != 6*cellW+margin {
		t.Errorf("width %d, want %d", b.Dx(), 6*cellW+margin)
	}
	red := false
	for y := 0; y < img.Bounds().Dy(); y++ {
		for x := 0; x < img.Bounds().Dx(); x++ {
			red = red || img.RGBAAt(x, y) == errColor
		}
	}
	if !red {
		t.Errorf("no label drawn")
	}
	small := Misclassified(digitImages(len(truth)), 28, 28, truth, pred, 2)
	if small.Bounds().Dx() != 2*cellW+margin {
		t.Errorf("limit 2: width %d", small.Bounds().Dx())
	}
	none := Misclassified(digitImages(2), 28, 28, []int{1, 2}, []int{1, 2}, 0)
	if none.Bounds().Dx() < 100 {
		t.Errorf("no-error picture %v", none.Bounds())
	}
	defer func() {
		if recover() == nil {
			t.Errorf("no panic for too few images")
		}
	}()
	Misclassified(digitImages(1), 28, 28, truth, pred, 0)
}

func TestConfusion(t *testing.T) {
	m := make([][]int, 10)
	counts := map[int]image.Point{}
	for i := range m {
		m[i] = make([]int, 10)
		for j := range m[i] {
			m[i][j] = (i*10 + j) * 3 // distinct counts 0…297
			if i == j {
				m[i][j] = 1000 + i
			}
			counts[m[i][j]] = image.Pt(j, i)
		}
	}
	img := Confusion(m)
	save(t, "confusion.png", img)
	// Find the cells: the top left corner of the grid is where the colour
	// of cell (0, 0), count 1000, starts; sample each cell near its corner,
	// away from the text.
	const cell = 52
	b := img.Bounds()
	left, top := b.Dx()-margin-10*cell, b.Dy()-margin-10*cell
	prev, prevLum := -1, 1<<30
	for c := 0; c <= 1009; c++ {
		p, ok := counts[c]
		if !ok {
			continue
		}
		l := lum(img.At(left+p.X*cell+3, top+p.Y*cell+3))
		if l > prevLum {
			t.Fatalf("count %d is lighter (luminance %d) than count %d (%d)", c, l, prev, prevLum)
		}
		prev, prevLum = c, l
	}
	// Counts an order of magnitude apart have clearly different colours.
	m = [][]int{{0, 1, 10}, {100, 1000, 0}, {0, 0, 0}}
	img = Confusion(m)
	b = img.Bounds()
	left, top = b.Dx()-margin-3*cell, b.Dy()-margin-3*cell
	at := func(i, j int) int { return lum(img.At(left+j*cell+3, top+i*cell+3)) }
	ls := []int{at(0, 0), at(0, 1), at(0, 2), at(1, 0), at(1, 1)}
	if ls[0] != 255 {
		t.Errorf("zero cell luminance %d, want white", ls[0])
	}
	for i := 1; i < len(ls); i++ {
		if ls[i] > ls[i-1]-20 {
			t.Errorf("luminances %v not clearly decreasing with counts 0, 1, 10, 100, 1000", ls)
		}
	}
}

func TestCurves(t *testing.T) {
	val, test := make([]float64, 30), make([]float64, 30)
	for i := range val {
		val[i] = 99.3 - 2*math.Exp(-float64(i)/4)
		test[i] = 99.2 - 2.1*math.Exp(-float64(i)/4)
	}
	test[10] = math.NaN()
	img := Curves([]Series{{"validation", val}, {"test", test}}, "accuracy (%)")
	save(t, "curves.png", img)
	if b := img.Bounds(); b.Dx() != CurvesWidth || b.Dy() != CurvesHeight {
		t.Fatalf("size %v", b)
	}
	n := map[int]int{}
	for y := 0; y < CurvesHeight; y++ {
		for x := 0; x < CurvesWidth; x++ {
			for i, c := range seriesColors[:2] {
				if img.RGBAAt(x, y) == c {
					n[i]++
				}
			}
		}
	}
	if n[0] < 300 || n[1] < 300 {
		t.Errorf("series pixels %v", n)
	}
	// Degenerate inputs draw without panicking.
	Curves(nil, "")
	Curves([]Series{{"one", []float64{98}}}, "one point")
	Curves([]Series{{"nan", []float64{math.NaN(), math.Inf(1)}}}, "no data")
}

// TestCurvesLegendWraps: a legend wider than the picture goes on in more
// rows, every key inside the picture with its swatch drawn, and the plot
// starts below the last row.
func TestCurvesLegendWraps(t *testing.T) {
	var series []Series
	for i, name := range []string{"rnn:128 1-10", "rnn:128 11-100", "rnn:128 101-1000", "lstm:128 1-10", "lstm:128 11-100", "lstm:128 101-1000"} {
		y := make([]float64, 28)
		for j := range y {
			y[j] = float64(i) - float64(j)/10
		}
		series = append(series, Series{name, y})
	}
	img := CurvesOver(series, "log10 of the gradient's norm", "time step")
	save(t, "curves-legend.png", img)
	keys, rows := legend(series, 2*margin, CurvesWidth-margin)
	if rows < 2 {
		t.Fatalf("%d legend rows for %d long names", rows, len(series))
	}
	for i, k := range keys {
		if w := 30 + textWidth(series[i].Name, labelScale); k.at.X+w > CurvesWidth-margin {
			t.Errorf("key %q at x %d..%d, past the picture's %d", series[i].Name, k.at.X, k.at.X+w, CurvesWidth)
		}
		if k.at.Y+labelHeight > CurvesHeight/3 {
			t.Errorf("key %q at y %d: the legend takes the plot", series[i].Name, k.at.Y)
		}
	}
	// Each series' colour appears in the legend's rows (its swatch).
	top := margin + (1+rows)*labelHeight
	for i := range series {
		found := false
		for y := margin + labelHeight; y < top && !found; y++ {
			for x := 0; x < CurvesWidth && !found; x++ {
				found = img.RGBAAt(x, y) == seriesColors[i]
			}
		}
		if !found {
			t.Errorf("no swatch of series %d (%q) in the legend", i, series[i].Name)
		}
	}
	// One row, as before: a short legend leaves the plot where it was.
	if _, rows := legend(series[:2], 2*margin, CurvesWidth-margin); rows != 1 {
		t.Errorf("two short names take %d rows", rows)
	}
}

// TestLegendBreaksLongNames: a name wider than the legend is broken at
// spaces over rows of its own, every line within the picture, and the
// next key starts on the row after it.
func TestLegendBreaksLongNames(t *testing.T) {
	long := "fc:30 sigmoid fc:30 sigmoid fc:30 sigmoid fc:30 sigmoid softmax:10 1-10"
	series := []Series{{"a", nil}, {long, nil}, {"b", nil}}
	right := CurvesWidth - margin
	keys, rows := legend(series, 2*margin, right)
	if len(keys[1].lines) < 2 || strings.Join(keys[1].lines, " ") != long {
		t.Fatalf("lines %q of %q", keys[1].lines, long)
	}
	for _, l := range keys[1].lines {
		if keys[1].at.X+30+textWidth(l, labelScale) > right {
			t.Errorf("line %q passes the legend's right edge", l)
		}
	}
	if keys[1].at.Y <= keys[0].at.Y || keys[2].at.Y != keys[1].at.Y+len(keys[1].lines)*labelHeight {
		t.Errorf("rows at y %d, %d (%d lines), %d", keys[0].at.Y, keys[1].at.Y, len(keys[1].lines), keys[2].at.Y)
	}
	if want := 1 + len(keys[1].lines) + 1; rows != want {
		t.Errorf("%d rows, want %d", rows, want)
	}
}

func TestNiceStep(t *testing.T) {
	for _, c := range []struct{ span, want float64 }{{3, 0.5}, {2.1, 0.5}, {0.03, 0.005}, {59, 10}, {1, 0.2}} {
		if got := niceStep(c.span, 6); math.Abs(got-c.want) > 1e-12 {
			t.Errorf("niceStep(%v) = %v, want %v", c.span, got, c.want)
		}
	}
}

func TestWritePNG(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "c.png")
	img := Confusion([][]int{{5, 1}, {0, 7}})
	if err := WritePNG(path, img); err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	got, err := png.Decode(f)
	if err != nil || got.Bounds() != img.Bounds() {
		t.Fatalf("read back: %v, %v", err, got.Bounds())
	}
	if ents, _ := os.ReadDir(dir); len(ents) != 1 {
		t.Errorf("%d files in the directory, want 1", len(ents))
	}
	if err := WritePNG(filepath.Join(dir, "no", "such", "dir.png"), img); err == nil {
		t.Errorf("no error for a missing directory")
	}
}
