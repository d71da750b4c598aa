package augment

import (
	"fmt"
	"math"
	"math/rand/v2"
)

// Elastic is the elastic distortion of Simard, Steinkraus and Platt (2003),
// "Best practices for convolutional neural networks applied to visual
// document analysis": two random displacement fields, uniform in [-1, 1] per
// pixel, are each smoothed by a Gaussian of standard deviation sigma pixels
// (zero outside the image, kernel normalised to sum 1, truncated at 4σ) and
// scaled by alpha; each output pixel is the input bilinearly sampled at its
// position plus its displacement. The paper's MNIST setting is alpha 34,
// sigma 4. An Elastic holds its workspace, so Apply does not allocate; it is
// not safe for concurrent use (make one per goroutine).
type Elastic struct {
	rows, cols  int
	alpha       float64
	kernel      []float64
	dx, dy, tmp []float64
}

// NewElastic returns an elastic distortion for rows×cols images.
func NewElastic(rows, cols int, alpha, sigma float64) *Elastic {
	if rows <= 0 || cols <= 0 || !(sigma >= 0) || math.IsNaN(alpha) || math.IsInf(alpha, 0) || math.IsInf(sigma, 0) {
		panic(fmt.Sprintf("augment.NewElastic: bad arguments rows=%d cols=%d alpha=%v sigma=%v", rows, cols, alpha, sigma))
	}
	n := rows * cols
	e := &Elastic{rows: rows, cols: cols, alpha: alpha,
		dx: make([]float64, n), dy: make([]float64, n), tmp: make([]float64, n)}
	e.kernel = gaussian(sigma, max(rows, cols))
	return e
}

// gaussian returns a normalised Gaussian kernel of standard deviation sigma,
// radius ceil(4σ) capped at limit; [1] when sigma is 0.
func gaussian(sigma float64, limit int) []float64 {
	if sigma == 0 {
		return []float64{1}
	}
	r := min(int(math.Ceil(4*sigma)), limit)
	k := make([]float64, 2*r+1)
	sum := 0.0
	for i := range k {
		d := float64(i - r)
		k[i] = math.Exp(-d * d / (2 * sigma * sigma))
		sum += k[i]
	}
	for i := range k {
		k[i] /= sum
	}
	return k
}

// Apply writes into dst the image src distorted by a fresh random field drawn
// from rng. With alpha 0 it copies src and draws nothing. dst and src must not
// overlap.
func (e *Elastic) Apply(dst, src []uint8, rng *rand.Rand) {
	rows, cols := e.rows, e.cols
	checkImage("Elastic.Apply", dst, src, rows, cols)
	if e.alpha == 0 {
		copy(dst[:rows*cols], src)
		return
	}
	e.field(e.dx, rng)
	e.field(e.dy, rng)
	for r := range rows {
		for c := range cols {
			i := r*cols + c
			dst[i] = toUint8(bilinear(src, rows, cols, float64(r)+e.dy[i], float64(c)+e.dx[i]))
		}
	}
}

// field fills f with uniform [-1, 1] noise, smoothed and scaled by alpha.
func (e *Elastic) field(f []float64, rng *rand.Rand) {
	for i := range f {
		f[i] = 2*rng.Float64() - 1
	}
	rows, cols, k := e.rows, e.cols, e.kernel
	rad := len(k) / 2
	// Rows pass into tmp, then columns pass back into f, each tap as an
	// axpy over a contiguous run (zero outside the image).
	clear(e.tmp)
	for r := range rows {
		src, dst := f[r*cols:(r+1)*cols], e.tmp[r*cols:(r+1)*cols]
		for j, w := range k {
			o := j - rad // dst[c] += w * src[c+o]
			lo, hi := max(0, -o), min(cols, cols-o)
			if lo >= hi {
				continue
			}
			axpy(dst[lo:hi], src[lo+o:hi+o], w)
		}
	}
	clear(f)
	for r := range rows {
		dst := f[r*cols : (r+1)*cols]
		for j, w := range k {
			rr := r + j - rad
			if rr < 0 || rr >= rows {
				continue
			}
			axpy(dst, e.tmp[rr*cols:(rr+1)*cols], w*e.alpha)
		}
	}
}

// axpy adds w*x to y; len(x) must be at least len(y).
func axpy(y, x []float64, w float64) {
	x = x[:len(y)]
	for i, v := range x {
		y[i] += w * v
	}
}
