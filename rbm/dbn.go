package rbm

import (
	"fmt"

	"github.com/deepnet-go/deepnet/nn"
)

// DBNConfig says what NewDBN builds.
type DBNConfig struct {
	// Sizes are the layers' units, the visible layer first: 784, 500,
	// 500, 2000 for Hinton, Osindero and Teh's digits (2006). RBM i joins
	// layers i and i+1.
	Sizes []int
	// Labels, when positive, joins that many label units (one softmax
	// unit) to the visible units of the top RBM.
	Labels int
	// Gaussian makes the bottom RBM's visible units Gaussian.
	Gaussian bool
	// In is the shape of a visible vector as an image (1×28×28), for the
	// network a DBN initialises; a flat vector when zero.
	In nn.Shape
	// Seed draws the initial weights (each RBM's from its own seed).
	Seed uint64
}

// DBN is a deep belief net: a stack of RBMs, each trained on the hidden
// probabilities of the one below (Greedy), the top one an associative
// memory whose visible units are the layer below it and the labels. Its
// parameters are its RBMs', named with their index first ("0.W",
// "2.hbias").
type DBN struct {
	DBNConfig
	RBMs []*RBM
	// Trained counts the RBMs trained so far, from the bottom: all of
	// them once Greedy has finished.
	Trained int
}

// maxLayers is the most RBMs a DBN has.
const maxLayers = 16

// NewDBN returns a DBN of untrained RBMs (New's initialisation).
func NewDBN(cfg DBNConfig) (*DBN, error) {
	n := len(cfg.Sizes) - 1
	if n < 1 || n > maxLayers {
		return nil, fmt.Errorf("rbm: a DBN of %d layers: want 2..%d (the visible layer and the hidden ones)", n+1, maxLayers+1)
	}
	if cfg.In == (nn.Shape{}) {
		cfg.In = nn.Shape{C: 1, H: 1, W: cfg.Sizes[0]}
	}
	if cfg.In.Size() != cfg.Sizes[0] || cfg.In.T != 0 {
		return nil, fmt.Errorf("rbm: input %s for %d visible units", cfg.In, cfg.Sizes[0])
	}
	d := &DBN{DBNConfig: cfg}
	for i := range n {
		rc := Config{Visible: cfg.Sizes[i], Hidden: cfg.Sizes[i+1], Gaussian: i == 0 && cfg.Gaussian, Seed: mix(cfg.Seed ^ mix(uint64(i)))}
		if i == n-1 {
			rc.Visible += cfg.Labels
			rc.Labels = cfg.Labels
		}
		r, err := newNamed(rc, fmt.Sprintf("%d.", i))
		if err != nil {
			return nil, fmt.Errorf("rbm: layer %d: %w", i+1, err)
		}
		d.RBMs = append(d.RBMs, r)
	}
	return d, nil
}

// Params returns every RBM's parameters, the bottom one's first.
func (d *DBN) Params() []*nn.Param {
	var ps []*nn.Param
	for _, r := range d.RBMs {
		ps = append(ps, r.Params()...)
	}
	return ps
}

// Top returns the top RBM.
func (d *DBN) Top() *RBM { return d.RBMs[len(d.RBMs)-1] }

// Up returns the hidden probabilities of RBM layers−1 for the n visible
// vectors x: x passed up through the first layers RBMs, each given the
// probabilities of the one below (mean-field), for layers below the top
// one when it has labels.
func (d *DBN) Up(x []float32, n, layers int) []float32 {
	if layers < 0 || layers > len(d.RBMs) || layers == len(d.RBMs) && d.Labels > 0 {
		panic(fmt.Sprintf("rbm: DBN.Up through %d of %d RBMs (the top one has labels)", layers, len(d.RBMs)))
	}
	for _, r := range d.RBMs[:layers] {
		h := make([]float32, n*r.Hidden)
		r.HiddenProbs(x, n, h)
		x = h
	}
	return x
}

// Represent returns d's vectors passed up through the first layers RBMs
// (Up): the vectors RBM layers trains on.
func (d *DBN) Represent(layers int, data Data) *Matrix {
	const b = 100
	dim := data.Dim()
	if layers > 0 {
		dim = d.RBMs[layers-1].Hidden
	}
	m := &Matrix{X: make([]float32, data.Len()*dim), N: data.Len(), D: dim}
	x := make([]float32, b*data.Dim())
	idx := make([]int, b)
	for lo := 0; lo < data.Len(); lo += b {
		k := min(b, data.Len()-lo)
		for i := range k {
			idx[i] = lo + i
		}
		data.Rows(x, idx[:k])
		copy(m.X[lo*dim:], d.Up(x, k, layers))
	}
	return m
}

// Down returns the visible means of the bottom layer given the n states
// x of the layer below the top RBM: each RBM's visible means given those
// above, its generative weights Wᵀ (mean-field).
func (d *DBN) Down(x []float32, n int) []float32 {
	for i := len(d.RBMs) - 2; i >= 0; i-- {
		r := d.RBMs[i]
		v := make([]float32, n*r.Visible)
		r.VisibleMeans(x, n, v)
		x = v
	}
	return x
}

// Classify returns the most probable label of each of the n visible
// vectors x: the top RBM's (LabelProbs) given the layer below it.
func (d *DBN) Classify(x []float32, n int) []int {
	if d.Labels == 0 {
		panic("rbm: DBN.Classify: the DBN has no labels")
	}
	p := d.Top().LabelProbs(d.Up(x, n, len(d.RBMs)-1), n)
	labels := make([]int, n)
	for i := range n {
		labels[i] = nn.Argmax(p[i*d.Labels : (i+1)*d.Labels])
	}
	return labels
}

// Reconstruct returns the reconstructions of the n visible vectors x:
// up through every RBM (the top one's labels their probabilities given
// the layer below), then down (mean-field all the way).
func (d *DBN) Reconstruct(x []float32, n int) []float32 {
	top := d.Top()
	pen := d.Up(x, n, len(d.RBMs)-1)
	v := pen
	B := top.binary()
	if d.Labels > 0 {
		p := top.LabelProbs(pen, n)
		v = make([]float32, n*top.Visible)
		for i := range n {
			copy(v[i*top.Visible:], pen[i*B:(i+1)*B])
			copy(v[i*top.Visible+B:], p[i*d.Labels:(i+1)*d.Labels])
		}
	}
	h := make([]float32, n*top.Hidden)
	top.HiddenProbs(v, n, h)
	top.VisibleMeans(h, n, v)
	return d.Down(columns(v, n, top.Visible, B), n)
}

// columns returns the first c columns of the n rows of x of width w.
func columns(x []float32, n, w, c int) []float32 {
	if c == w {
		return x
	}
	out := make([]float32, n*c)
	for i := range n {
		copy(out[i*c:(i+1)*c], x[i*w:i*w+c])
	}
	return out
}
