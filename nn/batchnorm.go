package nn

import (
	"math"

	"github.com/deepnet-go/deepnet/tensor"
)

// BatchNormLayer is batch normalisation (Ioffe & Szegedy 2015): per feature
// map of images, or per unit of flat vectors, y = γ·(x-μ)/√(σ²+ε) + β with
// μ, σ² the mini-batch's mean and (biased) variance in training and running
// averages at inference. As PyTorch: ε = 1e-5, the running averages move by
// 0.1 of the batch statistics per step and keep the unbiased variance.
type BatchNormLayer struct {
	spec     LayerSpec
	shape    Shape
	maxBatch int

	Gamma, Beta *Param
	// RunningMean and RunningVar are buffers, not trained (Grad is nil);
	// they are saved with the model.
	RunningMean, RunningVar *Param

	n          int
	train      bool
	mean, istd []float32 // per channel, of the last training batch
	xhat       []float32
	y, gx      []float32
}

const (
	bnEps      = 1e-5
	bnMomentum = 0.1
)

// NewBatchNorm builds batch normalisation over in.C channels (maps or units).
func NewBatchNorm(spec LayerSpec, in Shape, maxBatch int, name string) *BatchNormLayer {
	c := batchNormChannels(in)
	l := &BatchNormLayer{spec: spec, shape: in, maxBatch: maxBatch,
		Gamma:       &Param{Name: name + ".weight", Value: tensor.New(c), Grad: tensor.New(c)},
		Beta:        &Param{Name: name + ".bias", Value: tensor.New(c), Grad: tensor.New(c)},
		RunningMean: &Param{Name: name + ".running_mean", Value: tensor.New(c)},
		RunningVar:  &Param{Name: name + ".running_var", Value: tensor.New(c)},
		mean:        make([]float32, c), istd: make([]float32, c),
		xhat: make([]float32, in.Size()*maxBatch),
		y:    make([]float32, in.Size()*maxBatch), gx: make([]float32, in.Size()*maxBatch),
	}
	for i := 0; i < c; i++ {
		l.Gamma.Value.Data[i] = 1
		l.RunningVar.Value.Data[i] = 1
	}
	return l
}

// Spec returns the layer's spec.
func (l *BatchNormLayer) Spec() LayerSpec { return l.spec }

// OutShape returns the input's shape.
func (l *BatchNormLayer) OutShape() Shape { return l.shape }

// Params returns γ, β and the running mean and variance (without gradient).
func (l *BatchNormLayer) Params() []*Param {
	return []*Param{l.Gamma, l.Beta, l.RunningMean, l.RunningVar}
}

// geometry returns, for a batch of n, the number of channels, the values
// per channel, and how to find value j of channel c: (c*cs + (j/run)*js + j%run)
// — images: one contiguous run of n·H·W per channel; flat: n runs of one.
func (l *BatchNormLayer) geometry(n int) (channels, per, run, cs, js int) {
	if l.shape.Flat {
		f := l.shape.Size()
		return f, n, 1, 1, f
	}
	hw := l.shape.H * l.shape.W
	return l.shape.C, n * hw, n * hw, n * hw, 0
}

// Forward normalises with the batch's statistics in training, with the
// running averages at inference.
func (l *BatchNormLayer) Forward(x []float32, n int, train bool) []float32 {
	checkBatch("batchnorm", n, l.maxBatch)
	l.n, l.train = n, train
	channels, per, run, cs, js := l.geometry(n)
	for c := 0; c < channels; c++ {
		var mean, istd float32
		if train {
			var s, s2 float64
			for j := 0; j < per; j++ {
				v := float64(x[c*cs+(j/run)*js+j%run])
				s += v
				s2 += v * v
			}
			m := s / float64(per)
			v := math.Max(s2/float64(per)-m*m, 0)
			mean, istd = float32(m), float32(1/math.Sqrt(v+bnEps))
			l.mean[c], l.istd[c] = mean, istd
			rm, rv := &l.RunningMean.Value.Data[c], &l.RunningVar.Value.Data[c]
			unbiased := v
			if per > 1 {
				unbiased = v * float64(per) / float64(per-1)
			}
			*rm = float32((1-bnMomentum)*float64(*rm) + bnMomentum*m)
			*rv = float32((1-bnMomentum)*float64(*rv) + bnMomentum*unbiased)
		} else {
			mean = l.RunningMean.Value.Data[c]
			istd = float32(1 / math.Sqrt(float64(l.RunningVar.Value.Data[c])+bnEps))
		}
		g, b := l.Gamma.Value.Data[c], l.Beta.Value.Data[c]
		for j := 0; j < per; j++ {
			i := c*cs + (j/run)*js + j%run
			h := (x[i] - mean) * istd
			l.xhat[i] = h
			l.y[i] = g*h + b
		}
	}
	return l.y[:n*l.shape.Size()]
}

// Backward: gβ = Σgy, gγ = Σgy·x̂, gx = γ·istd·(gy - mean(gy) - x̂·mean(gy·x̂)).
// After an inference Forward the statistics are constants: gx = γ·istd·gy.
func (l *BatchNormLayer) Backward(gy []float32) []float32 {
	channels, per, run, cs, js := l.geometry(l.n)
	for c := 0; c < channels; c++ {
		var sg, sgx float64
		for j := 0; j < per; j++ {
			i := c*cs + (j/run)*js + j%run
			sg += float64(gy[i])
			sgx += float64(gy[i]) * float64(l.xhat[i])
		}
		l.Beta.Grad.Data[c], l.Gamma.Grad.Data[c] = float32(sg), float32(sgx)
		istd := l.istd[c]
		mg, mgx := float32(sg/float64(per)), float32(sgx/float64(per))
		if !l.train {
			istd = float32(1 / math.Sqrt(float64(l.RunningVar.Value.Data[c])+bnEps))
			mg, mgx = 0, 0
		}
		k := l.Gamma.Value.Data[c] * istd
		for j := 0; j < per; j++ {
			i := c*cs + (j/run)*js + j%run
			l.gx[i] = k * (gy[i] - mg - l.xhat[i]*mgx)
		}
	}
	return l.gx[:l.n*l.shape.Size()]
}
