package augment

import (
	"fmt"
	"maps"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/deepnet-go/deepnet/data"
)

// View is one fixed distortion of an image, for test-time augmentation: a
// network sees each test image through several views and its predictions
// are averaged. The image is rotated by Degrees (counterclockwise as
// displayed) and zoomed by the factor 1+Zoom about its centre, then moved
// DY pixels down and DX pixels right, in one bilinear pass as Augmenter
// does; a pure shift moves pixels without blurring. The zero View is the
// image itself.
type View struct {
	DY, DX  int
	Degrees float64
	Zoom    float64
}

// maxViewShift bounds a view's shift, in pixels.
const maxViewShift = 1 << 16

// Identity reports whether v leaves images unchanged.
func (v View) Identity() bool { return v == View{} }

// Plain reports whether views show images as they are: no views, or the
// identity alone.
func Plain(views []View) bool {
	return len(views) == 0 || len(views) == 1 && views[0].Identity()
}

// Validate reports whether v is usable.
func (v View) Validate() error {
	switch {
	case v.DY < -maxViewShift || v.DY > maxViewShift || v.DX < -maxViewShift || v.DX > maxViewShift:
		return fmt.Errorf("augment: view: shift (%d, %d), want at most %d pixels each way", v.DY, v.DX, maxViewShift)
	case !(v.Degrees >= -180 && v.Degrees <= 180):
		return fmt.Errorf("augment: view: rotation %v degrees, want -180 to 180", v.Degrees)
	case !(v.Zoom > -1 && v.Zoom < 1):
		return fmt.Errorf("augment: view: zoom %v, want -1 < zoom < 1", v.Zoom)
	}
	return nil
}

// Apply writes into dst the rows×cols image src seen through v. dst and src
// must not overlap. Apply does not allocate.
func (v View) Apply(dst, src []uint8, rows, cols int) {
	checkImage("View.Apply", dst, src, rows, cols)
	switch {
	case v.Degrees != 0 || v.Zoom != 0:
		affine(dst, src, rows, cols, v.Degrees*math.Pi/180, 1+v.Zoom, float64(v.DY), float64(v.DX))
	case v.DY != 0 || v.DX != 0:
		Shift(dst, src, rows, cols, v.DY, v.DX)
	default:
		copy(dst[:rows*cols], src)
	}
}

// String formats v in the syntax ParseViews reads.
func (v View) String() string {
	var parts []string
	if v.DY != 0 || v.DX != 0 {
		parts = append(parts, fmt.Sprintf("shift:%d:%d", v.DY, v.DX))
	}
	if v.Degrees != 0 {
		parts = append(parts, "rotate:"+strconv.FormatFloat(v.Degrees, 'g', -1, 64))
	}
	if v.Zoom != 0 {
		parts = append(parts, "zoom:"+strconv.FormatFloat(v.Zoom, 'g', -1, 64))
	}
	if len(parts) == 0 {
		return "id"
	}
	return strings.Join(parts, "+")
}

// ViewSets are the named view lists ParseViews knows.
var ViewSets = map[string][]View{
	// none: the image alone (no test-time augmentation).
	"none": {{}},
	// shifts: the image and its four one-pixel shifts, as expand_mnist.py
	// makes them (down, up, right, left).
	"shifts": {{}, {DY: 1}, {DY: -1}, {DX: 1}, {DX: -1}},
	// rotations: the image and its rotations by 5° each way.
	"rotations": {{}, {Degrees: -5}, {Degrees: 5}},
}

// ParseViews reads a list of views: a name of ViewSets, or views separated
// by commas, each "id" or a "+"-joined list of shift:DY:DX, rotate:DEGREES
// and zoom:Z terms, e.g. "id,rotate:-8,rotate:8" or "id,shift:1:0+rotate:5".
func ParseViews(spec string) ([]View, error) {
	if vs, ok := ViewSets[spec]; ok {
		return append([]View(nil), vs...), nil
	}
	var views []View
	for _, tok := range strings.Split(spec, ",") {
		v, err := parseView(strings.TrimSpace(tok))
		if err != nil {
			return nil, fmt.Errorf("augment: views %q: %w", spec, err)
		}
		views = append(views, v)
	}
	return views, nil
}

// FormatViews formats views in the syntax ParseViews reads: the name of
// the set of ViewSets they are, if any, else the views joined by commas.
func FormatViews(views []View) string {
	for _, name := range slices.Sorted(maps.Keys(ViewSets)) {
		if slices.Equal(views, ViewSets[name]) {
			return name
		}
	}
	names := make([]string, len(views))
	for i, v := range views {
		names[i] = v.String()
	}
	return strings.Join(names, ",")
}

// parseView reads one view of ParseViews' syntax.
func parseView(tok string) (View, error) {
	var v View
	if tok == "id" {
		return v, nil
	}
	if tok == "" {
		return v, fmt.Errorf("empty view (want id, shift:DY:DX, rotate:DEGREES or zoom:Z)")
	}
	for _, term := range strings.Split(tok, "+") {
		f := strings.Split(term, ":")
		var err error
		switch {
		case f[0] == "shift" && len(f) == 3:
			if v.DY, err = strconv.Atoi(f[1]); err == nil {
				v.DX, err = strconv.Atoi(f[2])
			}
		case f[0] == "rotate" && len(f) == 2:
			v.Degrees, err = strconv.ParseFloat(f[1], 64)
		case f[0] == "zoom" && len(f) == 2:
			v.Zoom, err = strconv.ParseFloat(f[1], 64)
		default:
			return v, fmt.Errorf("bad view term %q (want shift:DY:DX, rotate:DEGREES or zoom:Z)", term)
		}
		if err != nil {
			return v, fmt.Errorf("bad view term %q: %v", term, err)
		}
	}
	return v, v.Validate()
}

// Batch is data.Set.Batch with every image seen through v: it writes the images
// idx of s into dst as float32 pixel/255, row-major [len(idx)][Rows*Cols],
// using tmp (Rows*Cols values) as workspace. It does not allocate.
func (v View) Batch(dst []float32, s *data.Set, idx []int, tmp []uint8) {
	if v.Identity() {
		s.Batch(dst, idx)
		return
	}
	p := s.Pixels()
	if len(dst) < len(idx)*p || len(tmp) < p {
		panic(fmt.Sprintf("augment.View.Batch: dst holds %d values and tmp %d, %d images of %d pixels need %d and %d", len(dst), len(tmp), len(idx), p, len(idx)*p, p))
	}
	for k, i := range idx {
		v.Apply(tmp[:p], s.Image(i), s.Rows, s.Cols)
		data.ToFloat(dst[k*p:(k+1)*p], tmp[:p])
	}
}

// MeanOverViews sets mean[:n*k] (n = len(idx)) to the mean over views of
// forward's [n][k] outputs for the images idx of s, each seen through
// every view in turn, and returns mean[:n*k]. forward(x, n) computes the
// outputs of the n images in x; x holds at least n images and tmp one
// image of workspace. It does not allocate.
func MeanOverViews(mean []float32, k int, views []View, s *data.Set, idx []int, x []float32, tmp []uint8, forward func(x []float32, n int) []float32) []float32 {
	n := len(idx)
	mean = mean[:n*k]
	clear(mean)
	w := float32(len(views))
	for _, v := range views {
		v.Batch(x, s, idx, tmp)
		for j, p := range forward(x, n)[:n*k] {
			mean[j] += p / w
		}
	}
	return mean
}
