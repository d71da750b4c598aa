package rbm

import (
	"fmt"

	"github.com/deepnet-go/deepnet/internal/f32"
	"github.com/deepnet-go/deepnet/model"
	"github.com/deepnet-go/deepnet/nn"
	"github.com/deepnet-go/deepnet/train"
)

// CDConfig says how CD trains an RBM.
type CDConfig struct {
	// K is the number of Gibbs steps of the negative phase: CD-K, or
	// PCD-K (1 when 0).
	K int
	// Persistent keeps the negative phase's Markov chains from one
	// mini-batch to the next (persistent contrastive divergence, Tieleman
	// 2008) instead of starting them at the mini-batch's data.
	Persistent bool
	// Binarize says how the training vectors are read (Probabilities:
	// as they are).
	Binarize Binarization
}

// String describes c as checkpoints record it: "cd-1 probabilities",
// "pcd-5 epoch".
func (c CDConfig) String() string {
	name := "cd"
	if c.Persistent {
		name = "pcd"
	}
	return fmt.Sprintf("%s-%d %s", name, max(c.K, 1), c.Binarize)
}

// CD trains an RBM by contrastive divergence: a train.Objective, so that
// train.Fit runs it with its optimisers, schedules, records, checkpoints
// and resumption (see the package comment for the step).
type CD struct {
	r     *RBM
	sets  Sets
	cfg   CDConfig
	batch int
	s     *Sampler
	// epoch and step place the sampler: step counts the mini-batches of
	// the epoch.
	epoch, step int
	// v0 the data, ph0 its hidden probabilities, h hidden states, pv
	// visible means, v visible states, ph the negative phase's hidden
	// probabilities; chains the persistent chains' visible states, whose
	// hidden probabilities ph holds between steps once primed.
	v0, ph0, h, pv, v, ph, chains []float32
	primed                        bool
	sumV, sumH                    []float64
	m                             *measure
}

// NewCD prepares training r on sets.Train with mini-batches of tc.Batch
// vectors, drawing its random numbers from tc.Seed (the seed of the
// examples' order too). The error says what does not fit: vectors of
// another size than r's visible units, binarised Gaussian units, no
// validation vectors.
func NewCD(r *RBM, sets Sets, cfg CDConfig, tc train.Config) (*CD, error) {
	b, V, H := tc.Batch, r.Visible, r.Hidden
	switch {
	case sets.Train == nil || sets.Validation == nil || sets.Validation.Len() == 0:
		return nil, fmt.Errorf("rbm: training needs training and validation vectors")
	case b < 1:
		return nil, fmt.Errorf("rbm: mini-batch %d", b)
	case cfg.K < 0:
		return nil, fmt.Errorf("rbm: %d Gibbs steps", cfg.K)
	case r.Gaussian && cfg.Binarize != Probabilities:
		return nil, fmt.Errorf("rbm: Gaussian visible units take real values; binarising them (%s) means nothing", cfg.Binarize)
	case cfg.Persistent && sets.Train.Len() < b:
		return nil, fmt.Errorf("rbm: %d training vectors, fewer than the %d persistent chains", sets.Train.Len(), b)
	}
	for _, d := range []Data{sets.Train, sets.Validation, sets.Test} {
		if d != nil && d.Dim() != V {
			return nil, fmt.Errorf("rbm: vectors of %d values for %d visible units", d.Dim(), V)
		}
	}
	cfg.K = max(cfg.K, 1)
	o := &CD{r: r, sets: sets, cfg: cfg, batch: b, s: NewSampler(tc.Seed),
		v0: make([]float32, b*V), ph0: make([]float32, b*H), h: make([]float32, b*H),
		pv: make([]float32, b*V), v: make([]float32, b*V), ph: make([]float32, b*H),
		sumV: make([]float64, V), sumH: make([]float64, H)}
	if cfg.Persistent {
		o.chains = make([]float32, b*V)
		idx := make([]int, b)
		for i := range idx {
			idx[i] = i
		}
		sets.Train.Rows(o.chains, idx)
		if !r.Gaussian {
			o.s.At(atChains, 0)
			o.s.draw(o.chains, o.chains, b, V, V, false, idx)
		}
	}
	o.m = newMeasure(o)
	return o, nil
}

// RBM returns the RBM being trained.
func (o *CD) RBM() *RBM { return o.r }

// Params returns the RBM's parameters.
func (o *CD) Params() []*nn.Param { return o.r.Params() }

// Examples returns the number of training vectors.
func (o *CD) Examples() int { return o.sets.Train.Len() }

// MaxBatch returns the mini-batch size (and the number of persistent
// chains).
func (o *CD) MaxBatch() int { return o.batch }

// StartEpoch places the sampler at the epoch's first step.
func (o *CD) StartEpoch(epoch int) { o.epoch, o.step = epoch, 0 }

// Recalibrate does nothing: an RBM keeps no statistics.
func (o *CD) Recalibrate() {}

// Step trains on the vectors idx (see the package comment) and returns
// their mean squared reconstruction error, Σ_i (v_i − v̂_i)² with v̂ the
// visible means given hidden states drawn from the data, as Hinton's code
// reports it. It does not allocate.
func (o *CD) Step(idx []int, update func([]*nn.Param)) float64 {
	r, n, s := o.r, len(idx), o.s
	V, H, k := r.Visible, r.Hidden, o.cfg.K
	if o.cfg.Persistent && n != o.batch {
		panic(fmt.Sprintf("rbm: CD.Step: %d vectors for %d persistent chains", n, o.batch))
	}
	v0, ph0, h, pv, ph := o.v0[:n*V], o.ph0[:n*H], o.h[:n*H], o.pv[:n*V], o.ph[:n*H]
	o.sets.Train.Rows(v0, idx)
	binarize(s, o.cfg.Binarize, o.epoch, v0, n, V, idx)
	s.At(uint64(o.epoch), uint64(o.step))
	o.step++

	r.HiddenProbs(v0, n, ph0)
	r.SampleHidden(ph0, h, n, s)
	r.VisibleMeans(h, n, pv)
	var cost float64
	for i, x := range v0 {
		d := float64(x - pv[i])
		cost += d * d
	}
	neg := pv
	if o.cfg.Persistent {
		// The chains' hidden probabilities are the last step's, computed
		// for its gradient before its update (Tieleman's and
		// scikit-learn's PCD): one product fewer a step.
		neg = o.chains
		if !o.primed {
			r.HiddenProbs(neg, n, ph)
			o.primed = true
		}
		for sweep := range k {
			if sweep > 0 {
				r.HiddenProbs(neg, n, ph)
			}
			r.SampleHidden(ph, h, n, s)
			r.VisibleMeans(h, n, pv)
			r.SampleVisible(pv, neg, n, s)
		}
	} else {
		for i := 1; i < k; i++ {
			r.SampleVisible(pv, o.v[:n*V], n, s)
			r.HiddenProbs(o.v[:n*V], n, ph)
			r.SampleHidden(ph, h, n, s)
			r.VisibleMeans(h, n, pv)
		}
	}
	r.HiddenProbs(neg, n, ph)
	o.gradients(v0, ph0, neg, ph, n)
	if update != nil {
		update(r.Params())
	}
	return cost / float64(n)
}

// gradients writes the parameters' gradients from the positive
// statistics (data v0, hidden probabilities ph0) and the negative ones
// (vn, phn) of n vectors: −(⟨v hᵀ⟩_data − ⟨v hᵀ⟩_model), the
// gradient of the mean free energy of the data less that of the
// negative samples.
func (o *CD) gradients(v0, ph0, vn, phn []float32, n int) {
	r := o.r
	V, H := r.Visible, r.Hidden
	inv := 1 / float64(n)
	gW := r.W.Grad.Data
	f32.Gemm(true, false, H, V, n, float32(-inv), ph0, H, v0, V, 0, gW, V)
	f32.Gemm(true, false, H, V, n, float32(inv), phn, H, vn, V, 1, gW, V)
	colDiffs(o.sumV, v0, vn, n, V)
	colDiffs(o.sumH, ph0, phn, n, H)
	for i, d := range o.sumV {
		r.VBias.Grad.Data[i] = float32(-d * inv)
	}
	for j, d := range o.sumH {
		r.HBias.Grad.Data[j] = float32(-d * inv)
	}
}

// colDiffs sets sum[c] = Σ_r a[r][c] − b[r][c] over n rows of width w, in
// row order.
func colDiffs(sum []float64, a, b []float32, n, w int) {
	for c := range sum {
		sum[c] = 0
	}
	for r := range n {
		ar, br := a[r*w:(r+1)*w], b[r*w:(r+1)*w]
		for c := range sum {
			sum[c] += float64(ar[c]) - float64(br[c])
		}
	}
}

// Encode returns the RBM's model file with, for PCD, the chains'
// states (tensor "pcd/chains") and, for any, the CD settings (metadata
// "cd"), which Restore checks when a run resumes.
func (o *CD) Encode(info model.Info) (*model.File, error) {
	f, err := Encode(o.r, info)
	if err != nil {
		return nil, err
	}
	f.Metadata[keyCD] = o.cfg.String()
	if o.chains != nil {
		f.Tensors = append(f.Tensors, model.Tensor{Name: tensorChains, Shape: []int{o.batch, o.r.Visible}, Data: o.chains})
		if o.primed {
			f.Tensors = append(f.Tensors, model.Tensor{Name: tensorChainsHidden, Shape: []int{o.batch, o.r.Hidden}, Data: o.ph})
		}
	}
	return f, nil
}

const (
	keyCD              = "cd"
	tensorChains       = "pcd/chains"
	tensorChainsHidden = "pcd/chains_hidden_probs"
)

// Restore puts back the persistent chains of a checkpoint Encode wrote
// (train.Restorer), or says why the run cannot continue it: other CD
// settings, or chains of another size.
func (o *CD) Restore(f *model.File) error {
	if got := f.Metadata[keyCD]; got != o.cfg.String() {
		return fmt.Errorf("the checkpoint was trained with %q, this run would continue with %q (keep the Gibbs steps, the persistence and the binarisation)", got, o.cfg)
	}
	if o.chains == nil {
		return nil
	}
	t := f.Tensor(tensorChains)
	if t == nil || len(t.Data) != len(o.chains) {
		return fmt.Errorf("the checkpoint lacks the %d persistent chains of %d visible units", o.batch, o.r.Visible)
	}
	copy(o.chains, t.Data)
	// The chains' hidden probabilities, computed before the checkpoint's
	// last update; without them (none computed yet) the next step
	// computes them.
	o.primed = false
	if t := f.Tensor(tensorChainsHidden); t != nil && len(t.Data) == len(o.ph) {
		copy(o.ph, t.Data)
		o.primed = true
	}
	return nil
}
