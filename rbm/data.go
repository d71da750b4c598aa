package rbm

import (
	"fmt"

	"github.com/deepnet-go/deepnet/data"
)

// Data is a set of visible vectors: MNIST's images as probabilities, the
// hidden probabilities of the RBM below, either joined with labels.
type Data interface {
	// Len returns the number of vectors and Dim their size.
	Len() int
	Dim() int
	// Rows writes the vectors idx into dst[:len(idx)·Dim()], row-major. It
	// does not allocate.
	Rows(dst []float32, idx []int)
}

// Images is a data set's images as probabilities of binary pixels:
// pixel/255, as the literature reads MNIST for RBMs.
type Images struct{ Set *data.Set }

func (d Images) Len() int                      { return d.Set.N }
func (d Images) Dim() int                      { return d.Set.Pixels() }
func (d Images) Rows(dst []float32, idx []int) { d.Set.Batch(dst, idx) }

// Matrix is N vectors of D values, row-major in X.
type Matrix struct {
	X    []float32
	N, D int
}

func (m *Matrix) Len() int { return m.N }
func (m *Matrix) Dim() int { return m.D }

func (m *Matrix) Rows(dst []float32, idx []int) {
	for k, i := range idx {
		copy(dst[k*m.D:(k+1)*m.D], m.X[i*m.D:(i+1)*m.D])
	}
}

// Labelled is X with each vector followed by its label as Classes values,
// one-hot: the visible units of the top RBM of a deep belief net.
type Labelled struct {
	X       Data
	Labels  []uint8
	Classes int
}

func (l Labelled) Len() int { return l.X.Len() }
func (l Labelled) Dim() int { return l.X.Dim() + l.Classes }

func (l Labelled) Rows(dst []float32, idx []int) {
	d, w := l.X.Dim(), l.Dim()
	l.X.Rows(dst, idx)
	for k := len(idx) - 1; k >= 0; k-- { // spread the rows out, the last first
		copy(dst[k*w:k*w+d], dst[k*d:(k+1)*d])
		row := dst[k*w+d : (k+1)*w]
		for c := range row {
			row[c] = 0
		}
		row[l.Labels[idx[k]]] = 1
	}
}

// Sets are the vectors to train on, to choose epochs on and to report on
// (Test may be nil).
type Sets struct {
	Train, Validation, Test Data
}

// ImageSets are the images of s (Images).
func ImageSets(s *data.Splits) Sets {
	sets := Sets{Train: Images{s.Train}, Validation: Images{s.Validation}}
	if s.Test != nil {
		sets.Test = Images{s.Test}
	}
	return sets
}

// Binarization says how training reads probabilities, such as an image's
// grey levels.
type Binarization int

const (
	// Probabilities trains on the values as they are (Hinton's code reads
	// MNIST's grey levels so).
	Probabilities Binarization = iota
	// Fixed trains on binary states drawn once from the values, from the
	// seed: each example is the same binary vector every epoch (the
	// binarised MNIST of Salakhutdinov and Murray 2008).
	Fixed
	// PerEpoch draws the binary states afresh every epoch.
	PerEpoch
)

var binarizationNames = []string{"probabilities", "fixed", "epoch"}

func (b Binarization) String() string {
	if b < 0 || int(b) >= len(binarizationNames) {
		return fmt.Sprintf("Binarization(%d)", int(b))
	}
	return binarizationNames[b]
}

// ParseBinarization reads "probabilities", "fixed" or "epoch".
func ParseBinarization(s string) (Binarization, error) {
	for i, n := range binarizationNames {
		if s == n {
			return Binarization(i), nil
		}
	}
	return 0, fmt.Errorf("unknown binarisation %q (valid: probabilities, fixed, epoch)", s)
}

// Sampler positions (At's first value) of the draws that are not a
// training step's (those are at the epoch, below 2^40): each purpose its
// own high bits, with the epoch, the set or the run in the low ones.
const (
	atEpochBinary uint64 = 1 << 62       // | epoch: Binarization PerEpoch
	atFixedBinary uint64 = 1<<62 | 1<<61 // Binarization Fixed
	atMeasure     uint64 = 1<<62 | 1<<60 // | set: the held-out sets' binary states
	atPseudo      uint64 = 1<<62 | 1<<59 // | set: the bits pseudo-likelihood flips
	atChains      uint64 = 1<<62 | 1<<58 // the persistent chains' start
	atAIS         uint64 = 1 << 63       // annealed importance sampling, the step in the second value
	atGenerate    uint64 = 1<<63 | 1<<62 // generation
)

// binarize draws binary states in place for the n vectors x[n][dim] of
// examples idx, as b says for epoch.
func binarize(s *Sampler, b Binarization, epoch int, x []float32, n, dim int, idx []int) {
	switch b {
	case Fixed:
		s.At(atFixedBinary, 0)
	case PerEpoch:
		s.At(atEpochBinary|uint64(epoch), 0)
	default:
		return
	}
	s.draw(x, x, n, dim, dim, false, idx)
}

// Binarize returns d's vectors as binary states drawn once from seed: the
// vectors CD trains on with Fixed binarisation and the same seed (for a
// test set whose log-likelihood is measured, say).
func Binarize(d Data, seed uint64) *Matrix {
	const b = 100
	n, dim := d.Len(), d.Dim()
	m := &Matrix{X: make([]float32, n*dim), N: n, D: dim}
	s := NewSampler(seed)
	idx := make([]int, b)
	for lo := 0; lo < n; lo += b {
		k := min(b, n-lo)
		for i := range k {
			idx[i] = lo + i
		}
		x := m.X[lo*dim : (lo+k)*dim]
		d.Rows(x, idx[:k])
		binarize(s, Fixed, 0, x, k, dim, idx[:k])
	}
	return m
}
