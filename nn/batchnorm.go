package nn

import (
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/deepnet-go/deepnet/internal/f32"
	"github.com/deepnet-go/deepnet/tensor"
)

// BatchNormSpec is batch normalisation: "batchnorm".
type BatchNormSpec struct{}

var batchNormKind = Kind{Name: "batchnorm", Syntax: "batchnorm", About: "batch normalisation per feature map or unit",
	Parse: noArgument("batchnorm", BatchNormSpec{})}

// Kind returns "batchnorm".
func (BatchNormSpec) Kind() string { return batchNormKind.Name }

func (BatchNormSpec) String() string { return batchNormKind.Name }

// Validate has nothing to check.
func (BatchNormSpec) Validate() error { return nil }

// Plan keeps the shape; the parameters are γ, β and the running mean and
// variance of each feature map (images) or unit (flat vectors).
func (s BatchNormSpec) Plan(in Shape) (LayerPlan, error) {
	if in.T > 0 {
		return LayerPlan{}, fmt.Errorf("%s: input is a sequence of %d steps; batch normalisation takes images or flat vectors", s, in.T)
	}
	c := batchNormChannels(in)
	p := LayerPlan{Out: in, Floats: 3 * int64(in.Size())}
	for _, name := range []string{"weight", "bias", "running_mean", "running_var"} {
		trained := name == "weight" || name == "bias"
		p.Params = append(p.Params, ParamPlan{Name: name, Shape: []int{c}, Trained: trained})
	}
	return p, nil
}

// Build makes the BatchNormLayer.
func (s BatchNormSpec) Build(ctx BuildContext) (Layer, error) {
	return NewBatchNorm(ctx.In, ctx.MaxBatch, ctx.Name), nil
}

// batchNormChannels is the number of values batch normalisation keeps
// statistics for: feature maps of images, units of flat vectors.
func batchNormChannels(in Shape) int {
	if in.Flat {
		return in.Size()
	}
	return in.C
}

// BatchNormLayer is batch normalisation (Ioffe & Szegedy 2015): per feature
// map of images, or per unit of flat vectors, y = γ·(x-μ)/√(σ²+ε) + β with
// μ, σ² the mini-batch's mean and (biased) variance in training and running
// averages at inference. As PyTorch: ε = 1e-5, the running averages move by
// 0.1 of the batch statistics per step and keep the unbiased variance.
//
// The statistics and the sums of the backward pass are accumulated in
// float64: for images (each channel one contiguous run of N·H·W values) over
// 32 interleaved partial sums added pairwise (f32.BatchNormSums), for flat
// vectors ([N][F], one channel per column) in order of the examples
// (f32.BatchNormSumsCols). The channels are split among f32's workers, each
// channel computed by one worker in a fixed order, so results do not depend
// on the number of workers.
type BatchNormLayer struct {
	shape    Shape
	maxBatch int

	Gamma, Beta *Param
	// RunningMean and RunningVar are buffers, not trained (Grad is nil);
	// they are saved with the model.
	RunningMean, RunningVar *Param

	n     int
	train bool
	// frozen makes a training Forward normalise with the running
	// statistics, leaving them as they are, and Backward leave γ's and β's
	// gradients alone (see Freezer).
	frozen     bool
	mean, istd []float32 // per channel, of the last training batch
	xhat       []float32
	y, gx      []float32

	// Flat inputs only: per-unit float64 sums, the inference istd, and the
	// input gradient's coefficients k = γ·istd, mean(gy), mean(gy·x̂).
	s, q       []float64
	runIstd    []float32
	k, mg, mgx []float32

	task bnTask // the Forward or Backward running on f32's workers

	// momentum is the weight of a batch's statistics in the running
	// averages of the training Forward in progress; cumulative and batches
	// are ResetRunning's mode.
	momentum   float64
	cumulative bool
	batches    int
}

const (
	bnEps      = 1e-5
	bnMomentum = 0.1
)

// NewBatchNorm builds batch normalisation over in.C channels (maps or units).
func NewBatchNorm(in Shape, maxBatch int, name string) *BatchNormLayer {
	c := batchNormChannels(in)
	l := &BatchNormLayer{shape: in, maxBatch: maxBatch,
		Gamma:       &Param{Name: name + ".weight", Value: tensor.New(c), Grad: tensor.New(c)},
		Beta:        &Param{Name: name + ".bias", Value: tensor.New(c), Grad: tensor.New(c)},
		RunningMean: &Param{Name: name + ".running_mean", Value: tensor.New(c)},
		RunningVar:  &Param{Name: name + ".running_var", Value: tensor.New(c)},
		mean:        make([]float32, c), istd: make([]float32, c),
		xhat: make([]float32, in.Size()*maxBatch),
		y:    make([]float32, in.Size()*maxBatch), gx: make([]float32, in.Size()*maxBatch),
	}
	if in.Flat {
		l.s, l.q = make([]float64, c), make([]float64, c)
		l.runIstd = make([]float32, c)
		l.k, l.mg, l.mgx = make([]float32, c), make([]float32, c), make([]float32, c)
	}
	l.task.l = l
	l.Init(InitNetwork3, InitContext{}, nil)
	return l
}

// Init sets γ to 1, β to 0, the running mean to 0 and the running variance
// to 1, under every scheme, as PyTorch's BatchNorm.
func (l *BatchNormLayer) Init(Init, InitContext, *rand.Rand) error {
	for _, p := range []*Param{l.Gamma, l.RunningVar} {
		for i := range p.Value.Data {
			p.Value.Data[i] = 1
		}
	}
	clear(l.Beta.Value.Data)
	clear(l.RunningMean.Value.Data)
	return nil
}

// Spec returns the layer's spec.
func (l *BatchNormLayer) Spec() LayerSpec { return BatchNormSpec{} }

// OutShape returns the input's shape.
func (l *BatchNormLayer) OutShape() Shape { return l.shape }

// Params returns γ, β and the running mean and variance (without gradient).
func (l *BatchNormLayer) Params() []*Param {
	return []*Param{l.Gamma, l.Beta, l.RunningMean, l.RunningVar}
}

// bnTask is a Forward or a Backward split among f32's workers: items are
// channels for images, blocks of bnColBlock units for flat vectors. It is
// stored in the layer, so that handing it to the pool allocates nothing.
type bnTask struct {
	l        *BatchNormLayer
	backward bool
	in       []float32 // x (Forward) or gy (Backward)
}

// bnColBlock is how many units of a flat input make one item of a task.
const bnColBlock = 16

// bnGrain is about how many values a chunk of a task should hold at least.
const bnGrain = 1 << 13

// run runs the task for in over all channels of a batch of l.n.
func (t *bnTask) run(backward bool, in []float32) {
	t.backward, t.in = backward, in
	l := t.l
	if l.shape.Flat {
		items := (l.shape.Size() + bnColBlock - 1) / bnColBlock
		f32.ParallelForGrain(items, max(1, bnGrain/max(bnColBlock*l.n, 1)), t)
	} else {
		per := l.n * l.shape.H * l.shape.W
		f32.ParallelForGrain(l.shape.C, max(1, bnGrain/max(per, 1)), t)
	}
	t.in = nil
}

// Run processes the items [lo, hi).
func (t *bnTask) Run(lo, hi int) {
	l := t.l
	switch {
	case l.shape.Flat && t.backward:
		f := l.shape.Size()
		l.backwardFlat(t.in, lo*bnColBlock, min(hi*bnColBlock, f))
	case l.shape.Flat:
		f := l.shape.Size()
		l.forwardFlat(t.in, lo*bnColBlock, min(hi*bnColBlock, f))
	case t.backward:
		for c := lo; c < hi; c++ {
			l.backwardChannel(t.in, c)
		}
	default:
		for c := lo; c < hi; c++ {
			l.forwardChannel(t.in, c)
		}
	}
}

// SetFrozen(true) freezes the layer: its training Forward normalises with
// the running statistics and leaves them as they are (as at inference),
// Backward computes no gradient of γ and β, and ResetRunning does nothing.
// See Freezer.
func (l *BatchNormLayer) SetFrozen(on bool) { l.frozen = on }

// Forward normalises with the batch's statistics in training, with the
// running averages at inference or when the layer is frozen.
func (l *BatchNormLayer) Forward(x []float32, n int, train bool) []float32 {
	checkBatch("batchnorm", n, l.maxBatch)
	size := n * l.shape.Size()
	if len(x) < size {
		panic("nn: batchnorm: input shorter than the batch")
	}
	l.n, l.train = n, train && !l.frozen
	l.momentum = bnMomentum
	if train && l.cumulative {
		l.batches++
		l.momentum = 1 / float64(l.batches)
	}
	l.task.run(false, x[:size])
	return l.y[:size]
}

// Backward: gβ = Σgy, gγ = Σgy·x̂, gx = γ·istd·(gy - mean(gy) - x̂·mean(gy·x̂)).
// After an inference Forward the statistics are constants: gx = γ·istd·gy.
func (l *BatchNormLayer) Backward(gy []float32) []float32 {
	size := l.n * l.shape.Size()
	if len(gy) < size {
		panic("nn: batchnorm: gradient shorter than the batch")
	}
	l.task.run(true, gy[:size])
	return l.gx[:size]
}

// stats turns the float64 sums of x and x² over per values of channel c
// into the batch's mean and 1/√(σ²+ε), and moves the running averages.
func (l *BatchNormLayer) stats(c int, s, s2 float64, per int) (mean, istd float32) {
	m := s / float64(per)
	v := math.Max(s2/float64(per)-m*m, 0)
	mean, istd = float32(m), float32(1/math.Sqrt(v+bnEps))
	l.mean[c], l.istd[c] = mean, istd
	rm, rv := &l.RunningMean.Value.Data[c], &l.RunningVar.Value.Data[c]
	unbiased := v
	if per > 1 {
		unbiased = v * float64(per) / float64(per-1)
	}
	*rm = float32((1-l.momentum)*float64(*rm) + l.momentum*m)
	*rv = float32((1-l.momentum)*float64(*rv) + l.momentum*unbiased)
	return mean, istd
}

// ResetRunning starts the running averages afresh for new weights (such as
// averaged ones): while cumulative is true, every training Forward moves
// them to the plain mean of the statistics of the batches since the reset
// (PyTorch's momentum=None); ResetRunning(false) returns to the usual
// running averages (momentum 0.1) from the current values. A frozen
// layer keeps its statistics as they are.
func (l *BatchNormLayer) ResetRunning(cumulative bool) {
	if l.frozen {
		return
	}
	l.cumulative, l.batches = cumulative, 0
	if !cumulative {
		return
	}
	clear(l.RunningMean.Value.Data)
	for i := range l.RunningVar.Value.Data {
		l.RunningVar.Value.Data[i] = 1
	}
}

// runningIstd is 1/√(σ²+ε) of channel c's running variance.
func (l *BatchNormLayer) runningIstd(c int) float32 {
	return float32(1 / math.Sqrt(float64(l.RunningVar.Value.Data[c])+bnEps))
}

// gradCoeffs sets channel c's β and γ gradients from the sums of gy and
// gy·x̂ over per values, and returns the input gradient's k, mean(gy) and
// mean(gy·x̂) (k = γ·istd, and zero means after an inference Forward).
func (l *BatchNormLayer) gradCoeffs(c int, sg, sgx float64, per int) (k, mg, mgx float32) {
	if !l.frozen {
		l.Beta.Grad.Data[c], l.Gamma.Grad.Data[c] = float32(sg), float32(sgx)
	}
	istd := l.istd[c]
	mg, mgx = float32(sg/float64(per)), float32(sgx/float64(per))
	if !l.train {
		istd = l.runningIstd(c)
		mg, mgx = 0, 0
	}
	return l.Gamma.Value.Data[c] * istd, mg, mgx
}

// forwardChannel is Forward for channel c of images.
func (l *BatchNormLayer) forwardChannel(x []float32, c int) {
	per := l.n * l.shape.H * l.shape.W
	lo, hi := c*per, (c+1)*per
	xc := x[lo:hi]
	var mean, istd float32
	if l.train {
		s, s2 := f32.BatchNormSums(xc, xc)
		mean, istd = l.stats(c, s, s2, per)
	} else {
		mean, istd = l.RunningMean.Value.Data[c], l.runningIstd(c)
	}
	f32.BatchNormNormalize(xc, mean, istd, l.Gamma.Value.Data[c], l.Beta.Value.Data[c], l.xhat[lo:hi], l.y[lo:hi])
}

// backwardChannel is Backward for channel c of images.
func (l *BatchNormLayer) backwardChannel(gy []float32, c int) {
	per := l.n * l.shape.H * l.shape.W
	lo, hi := c*per, (c+1)*per
	gyc, xh := gy[lo:hi], l.xhat[lo:hi]
	sg, sgx := f32.BatchNormSums(gyc, xh)
	k, mg, mgx := l.gradCoeffs(c, sg, sgx, per)
	f32.BatchNormInputGrad(gyc, xh, k, mg, mgx, l.gx[lo:hi])
}

// forwardFlat is Forward for the units [f0, f1) of flat vectors.
func (l *BatchNormLayer) forwardFlat(x []float32, f0, f1 int) {
	f, n, w := l.shape.Size(), l.n, f1-f0
	mean, istd := l.mean[f0:f1], l.istd[f0:f1]
	if l.train {
		s, q := l.s[f0:f1], l.q[f0:f1]
		clear(s)
		clear(q)
		f32.BatchNormSumsCols(n, w, x[f0:], x[f0:], f, s, q)
		for j := range w {
			l.stats(f0+j, s[j], q[j], n)
		}
	} else {
		mean, istd = l.RunningMean.Value.Data[f0:f1], l.runIstd[f0:f1]
		for j := range w {
			istd[j] = l.runningIstd(f0 + j)
		}
	}
	f32.BatchNormNormalizeCols(n, w, x[f0:], f, mean, istd,
		l.Gamma.Value.Data[f0:f1], l.Beta.Value.Data[f0:f1], l.xhat[f0:], l.y[f0:])
}

// backwardFlat is Backward for the units [f0, f1) of flat vectors.
func (l *BatchNormLayer) backwardFlat(gy []float32, f0, f1 int) {
	f, n, w := l.shape.Size(), l.n, f1-f0
	s, q := l.s[f0:f1], l.q[f0:f1]
	clear(s)
	clear(q)
	f32.BatchNormSumsCols(n, w, gy[f0:], l.xhat[f0:], f, s, q)
	k, mg, mgx := l.k[f0:f1], l.mg[f0:f1], l.mgx[f0:f1]
	for j := range w {
		k[j], mg[j], mgx[j] = l.gradCoeffs(f0+j, s[j], q[j], n)
	}
	f32.BatchNormInputGradCols(n, w, gy[f0:], l.xhat[f0:], f, k, mg, mgx, l.gx[f0:])
}
