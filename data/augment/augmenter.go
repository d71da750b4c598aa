package augment

import (
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/deepnet-go/deepnet/data"
)

// Config describes random distortions of training images, drawn afresh for
// each image each time it is used. The zero value distorts nothing.
type Config struct {
	// MaxShift bounds the translation: dy and dx are uniform integers in
	// [-MaxShift, MaxShift] pixels.
	MaxShift int
	// MaxRotate bounds the rotation, in degrees: the angle is uniform in
	// [-MaxRotate, MaxRotate].
	MaxRotate float64
	// MaxScale bounds the zoom about the image's centre: the factor is
	// uniform in [1-MaxScale, 1+MaxScale].
	MaxScale float64
	// ElasticAlpha and ElasticSigma configure the elastic distortion (see
	// Elastic); ElasticAlpha 0 turns it off.
	ElasticAlpha, ElasticSigma float64
}

// Enabled reports whether a distorts anything.
func (a Config) Enabled() bool {
	return a.MaxShift > 0 || a.MaxRotate > 0 || a.MaxScale > 0 || a.ElasticAlpha != 0
}

// Validate reports whether the parameters are usable.
func (a Config) Validate() error {
	switch {
	case a.MaxShift < 0:
		return fmt.Errorf("augment: negative shift %d", a.MaxShift)
	case !(a.MaxRotate >= 0 && a.MaxRotate <= 180):
		return fmt.Errorf("augment: rotation %v degrees, want 0 to 180", a.MaxRotate)
	case !(a.MaxScale >= 0 && a.MaxScale < 1):
		return fmt.Errorf("augment: scale ±%v, want 0 ≤ scale < 1", a.MaxScale)
	case math.IsNaN(a.ElasticAlpha) || math.IsInf(a.ElasticAlpha, 0) || a.ElasticAlpha < 0:
		return fmt.Errorf("augment: elastic alpha %v, want ≥ 0", a.ElasticAlpha)
	case !(a.ElasticSigma >= 0) || math.IsInf(a.ElasticSigma, 0):
		return fmt.Errorf("augment: elastic sigma %v, want ≥ 0", a.ElasticSigma)
	case a.ElasticAlpha != 0 && a.ElasticSigma == 0:
		return fmt.Errorf("augment: elastic alpha %v needs a sigma > 0", a.ElasticAlpha)
	}
	return nil
}

// Augmenter applies a Config to rows×cols images with its own workspace,
// so that Apply and Batch do not allocate. It is not safe for concurrent use.
type Augmenter struct {
	a          Config
	rows, cols int
	tmp, out   []uint8
	el         *Elastic
}

// New returns an Augmenter for rows×cols images. It panics when
// a.Validate fails.
func New(a Config, rows, cols int) *Augmenter {
	if err := a.Validate(); err != nil {
		panic("augment.New: " + err.Error())
	}
	g := &Augmenter{a: a, rows: rows, cols: cols,
		tmp: make([]uint8, rows*cols), out: make([]uint8, rows*cols)}
	if a.ElasticAlpha != 0 {
		g.el = NewElastic(rows, cols, a.ElasticAlpha, a.ElasticSigma)
	}
	return g
}

// Apply writes into dst a random distortion of src: the elastic distortion
// first, then the rotation and zoom about the centre and the shift together
// in one bilinear pass. Numbers are drawn from rng in that order (elastic
// fields, angle, scale, dy, dx), only for the distortions that are on, so the
// same rng state gives the same image. dst and src must not overlap.
func (g *Augmenter) Apply(dst, src []uint8, rng *rand.Rand) {
	rows, cols := g.rows, g.cols
	checkImage("Augmenter.Apply", dst, src, rows, cols)
	img := src
	if g.el != nil {
		g.el.Apply(g.tmp, src, rng)
		img = g.tmp
	}
	angle := 0.0
	if g.a.MaxRotate > 0 {
		angle = (2*rng.Float64() - 1) * g.a.MaxRotate * math.Pi / 180
	}
	scale := 1.0
	if g.a.MaxScale > 0 {
		scale = 1 + (2*rng.Float64()-1)*g.a.MaxScale
	}
	dy, dx := 0, 0
	if m := g.a.MaxShift; m > 0 {
		dy, dx = rng.IntN(2*m+1)-m, rng.IntN(2*m+1)-m
	}
	switch {
	case angle != 0 || scale != 1:
		affine(dst, img, rows, cols, angle, scale, float64(dy), float64(dx))
	case dy != 0 || dx != 0:
		Shift(dst, img, rows, cols, dy, dx)
	default:
		copy(dst[:rows*cols], img)
	}
}

// Batch is data.Set.Batch with every image distorted by Apply: it writes the
// images idx of s, distorted, into dst as float32 pixel/255, row-major
// [len(idx)][Rows*Cols]. It does not allocate.
func (g *Augmenter) Batch(dst []float32, s *data.Set, idx []int, rng *rand.Rand) {
	p := g.rows * g.cols
	if s.Rows != g.rows || s.Cols != g.cols {
		panic(fmt.Sprintf("augment.Augmenter.Batch: %d×%d images, augmenter for %d×%d", s.Rows, s.Cols, g.rows, g.cols))
	}
	if len(dst) < len(idx)*p {
		panic(fmt.Sprintf("augment.Augmenter.Batch: dst holds %d values, %d images of %d pixels need %d", len(dst), len(idx), p, len(idx)*p))
	}
	for k, i := range idx {
		g.Apply(g.out, s.Image(i), rng)
		data.ToFloat(dst[k*p:(k+1)*p], g.out)
	}
}
