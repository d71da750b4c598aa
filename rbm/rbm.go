package rbm

import (
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/deepnet-go/deepnet/internal/f32"
	"github.com/deepnet-go/deepnet/nn"
	"github.com/deepnet-go/deepnet/tensor"
)

// Config says what RBM New builds.
type Config struct {
	// Visible and Hidden are the numbers of units (Labels included in
	// Visible).
	Visible, Hidden int
	// Gaussian makes the visible units (but the labels) linear with
	// Gaussian noise of unit variance, for data scaled to zero mean and
	// unit variance; otherwise they are binary.
	Gaussian bool
	// Labels, when positive, makes the last Labels visible units one
	// softmax unit: a label, one-hot (the top RBM of a deep belief net).
	Labels int
	// Seed draws the initial weights.
	Seed uint64
}

// String describes the units: "784 visible and 500 hidden units",
// "510 visible (10 of them labels) and 2000 hidden units".
func (c Config) String() string {
	labels, units := "", ""
	if c.Labels > 0 {
		labels = fmt.Sprintf(" (%d of them labels)", c.Labels)
	}
	if c.Gaussian {
		units = " Gaussian"
	}
	return fmt.Sprintf("%d%s visible%s and %d hidden units", c.Visible, units, labels, c.Hidden)
}

// Limits of New: the most units of a layer, and of weights.
const (
	maxUnits   = 1 << 20
	maxWeights = 1 << 28
)

// check reports sizes New cannot build.
func (c Config) check() error {
	switch {
	case c.Visible < 1 || c.Visible > maxUnits || c.Hidden < 1 || c.Hidden > maxUnits:
		return fmt.Errorf("rbm: %d visible and %d hidden units: want 1..%d of each", c.Visible, c.Hidden, maxUnits)
	case int64(c.Visible)*int64(c.Hidden) > maxWeights:
		return fmt.Errorf("rbm: %d×%d weights, more than %d", c.Hidden, c.Visible, maxWeights)
	case c.Labels < 0 || c.Labels == 1 || c.Labels >= c.Visible:
		return fmt.Errorf("rbm: %d label units of %d visible: want none, or 2 or more beside at least one other", c.Labels, c.Visible)
	}
	return nil
}

// RBM is a restricted Boltzmann machine: binary hidden units h, visible
// units v (binary, or Gaussian of unit variance; the last Labels of them
// one softmax unit), and the energy
//
//	E(v, h) = −vbias·v − hbias·h − hᵀ·W·v   (binary visible units)
//	E(v, h) = ½‖v − vbias‖² − hbias·h − hᵀ·W·v   (Gaussian)
//
// W is [Hidden][Visible], as PyTorch's Linear(visible, hidden) stores its
// weight: row j holds hidden unit j's weights. Batches of vectors are
// row-major, [n][Visible] and [n][Hidden]. An RBM's methods do not
// change it and may run at the same time; they are not safe beside
// training.
type RBM struct {
	Config
	// W, VBias and HBias are the parameters, named "W", "vbias" and
	// "hbias" in model files (with the layer's index before them in a
	// deep belief net: "0.W"). Only W decays (train's L2 term).
	W, VBias, HBias *nn.Param
	params          []*nn.Param
}

// New returns an RBM with Hinton's initialisation: weights 0.01·N(0, 1)
// drawn from the seed, biases zero.
func New(cfg Config) (*RBM, error) {
	return newNamed(cfg, "")
}

// newNamed is New with its parameters' names prefixed by prefix ("0.").
func newNamed(cfg Config, prefix string) (*RBM, error) {
	if err := cfg.check(); err != nil {
		return nil, err
	}
	param := func(name string, decay bool, shape ...int) *nn.Param {
		return &nn.Param{Name: prefix + name, Value: tensor.New(shape...), Grad: tensor.New(shape...), Decay: decay}
	}
	r := &RBM{Config: cfg,
		W:     param("W", true, cfg.Hidden, cfg.Visible),
		VBias: param("vbias", false, cfg.Visible),
		HBias: param("hbias", false, cfg.Hidden)}
	r.params = []*nn.Param{r.W, r.VBias, r.HBias}
	rng := rand.New(rand.NewPCG(cfg.Seed, 0x7262_6d))
	for i := range r.W.Value.Data {
		r.W.Value.Data[i] = float32(0.01 * rng.NormFloat64())
	}
	return r, nil
}

// Params returns W, VBias and HBias, the order of checkpoints and
// optimisers.
func (r *RBM) Params() []*nn.Param { return r.params }

// binary returns the number of visible units before the labels.
func (r *RBM) binary() int { return r.Visible - r.Labels }

// HiddenInput sets a[n][Hidden] to the hidden units' total inputs
// hbias + W·v for the n visible vectors v[n][Visible].
func (r *RBM) HiddenInput(v []float32, n int, a []float32) {
	V, H := r.Visible, r.Hidden
	f32.Gemm(false, true, n, H, V, 1, v, V, r.W.Value.Data, V, 0, a, H)
	f32.AddRowVector(n, H, r.HBias.Value.Data, a, H)
}

// HiddenProbs sets ph[n][Hidden] to p(h_j = 1 | v) = σ(hbias_j + W_j·v)
// for the n visible vectors v.
func (r *RBM) HiddenProbs(v []float32, n int, ph []float32) {
	r.HiddenInput(v, n, ph)
	f32.Sigmoid(ph[:n*r.Hidden], ph)
}

// VisibleMeans sets pv[n][Visible] to the means of the visible units
// given the hidden vectors h[n][Hidden]: σ(vbias + Wᵀh) for binary units,
// vbias + Wᵀh for Gaussian ones, and the softmax of the labels' inputs.
func (r *RBM) VisibleMeans(h []float32, n int, pv []float32) {
	V, H, B := r.Visible, r.Hidden, r.binary()
	f32.Gemm(false, false, n, V, H, 1, h, H, r.W.Value.Data, V, 0, pv, V)
	f32.AddRowVector(n, V, r.VBias.Value.Data, pv, V)
	switch {
	case r.Labels == 0 && !r.Gaussian:
		f32.Sigmoid(pv[:n*V], pv)
	case r.Labels > 0:
		for i := range n {
			row := pv[i*V : (i+1)*V]
			if !r.Gaussian {
				f32.Sigmoid(row[:B], row)
			}
			softmax(row[B:])
		}
	}
}

// softmax replaces x by its softmax, in float64 and stable.
func softmax(x []float32) {
	m := x[0]
	for _, v := range x {
		m = max(m, v)
	}
	var sum float64
	for i, v := range x {
		e := math.Exp(float64(v - m))
		x[i] = float32(e)
		sum += e
	}
	for i := range x {
		x[i] = float32(float64(x[i]) / sum)
	}
}

// SampleHidden sets h[n][Hidden] to binary states drawn with the
// probabilities ph, from s.
func (r *RBM) SampleHidden(ph, h []float32, n int, s *Sampler) {
	s.draw(ph, h, n, r.Hidden, r.Hidden, false, nil)
}

// SampleVisible sets v[n][Visible] to states drawn from the visible
// means pv, from s: binary states, Gaussian values of unit variance about
// the means, and one label drawn from the softmax.
func (r *RBM) SampleVisible(pv, v []float32, n int, s *Sampler) {
	s.draw(pv, v, n, r.Visible, r.binary(), r.Gaussian, nil)
}

// Reconstruct returns the mean-field reconstructions of the n visible
// vectors v: the visible means given the hidden probabilities.
func (r *RBM) Reconstruct(v []float32, n int) []float32 {
	ph := make([]float32, n*r.Hidden)
	pv := make([]float32, n*r.Visible)
	r.HiddenProbs(v, n, ph)
	r.VisibleMeans(ph, n, pv)
	return pv
}

// Gibbs runs steps of block Gibbs sampling from the n visible vectors v,
// in place: h drawn given v, then v drawn given h, drawing from s.
func (r *RBM) Gibbs(v []float32, n, steps int, s *Sampler) {
	ph := make([]float32, n*r.Hidden)
	pv := make([]float32, n*r.Visible)
	for range steps {
		r.HiddenProbs(v, n, ph)
		r.SampleHidden(ph, ph, n, s)
		r.VisibleMeans(ph, n, pv)
		r.SampleVisible(pv, v, n, s)
	}
}
