package nn

import (
	"fmt"
	"math"
	"math/rand/v2"
)

// SoftmaxSpec is the classifier that ends the chapter's networks:
// "softmax:CLASSES", a fully-connected layer of Classes units whose outputs
// (the logits) a softmax turns into class probabilities.
type SoftmaxSpec struct {
	Classes int
}

var softmaxKind = Kind{Name: "softmax", Syntax: "softmax:CLASSES",
	About: "fully connected (zero init) + softmax: class probabilities, trained with the log-likelihood",
	Parse: func(arg string, _ bool) ([]LayerSpec, error) {
		v, err := sizes(arg, 1)
		if err != nil {
			return nil, err
		}
		return []LayerSpec{SoftmaxSpec{Classes: v[0]}}, nil
	}}

// Kind returns "softmax".
func (s SoftmaxSpec) Kind() string { return softmaxKind.Name }

func (s SoftmaxSpec) String() string { return fmt.Sprintf("softmax:%d", s.Classes) }

// Validate checks the number of classes.
func (s SoftmaxSpec) Validate() error {
	if !inSize(s.Classes) {
		return fmt.Errorf("softmax needs 1..%d classes", maxSize)
	}
	return nil
}

// Plan: any input → Classes probabilities per example (per step of a
// sequence).
func (s SoftmaxSpec) Plan(in Shape) (LayerPlan, error) {
	p := planDense(s.Classes, in)
	p.Floats = satMulAdd(3, int64(p.Out.Size()), p.Floats) // y, gz, gy
	return p, nil
}

// Build makes the SoftmaxLayer.
func (s SoftmaxSpec) Build(ctx BuildContext) (Layer, error) {
	return NewSoftmax(s, ctx.In, ctx.MaxBatch, ctx.InputGrad, ctx.Name), nil
}

// SoftmaxLayer is a fully-connected layer followed by a softmax over its K
// outputs: y = softmax(x·Wᵀ + b), row by row. It is a Classifier: with the
// log-likelihood cost its gradient with respect to the logits is computed
// in one fused step.
type SoftmaxLayer struct {
	spec  SoftmaxSpec
	dense *DenseLayer
	shape Shape
	y, gz []float32 // probabilities and dCost/dlogits, [rows][K]
	rows  int
}

// NewSoftmax builds the classifier of spec.Classes classes on inputs of
// shape in; its parameters are the fully-connected layer's, named
// name.weight and name.bias.
func NewSoftmax(spec SoftmaxSpec, in Shape, maxBatch int, needInputGrad bool, name string) *SoftmaxLayer {
	d := NewDense(DenseSpec{Units: spec.Classes}, in, maxBatch, needInputGrad, name)
	size := d.OutShape().Size() * maxBatch
	return &SoftmaxLayer{spec: spec, dense: d, shape: d.OutShape(), y: make([]float32, size), gz: make([]float32, size)}
}

// Spec returns the layer's spec.
func (l *SoftmaxLayer) Spec() LayerSpec { return l.spec }

// OutShape returns K classes (per step of a sequence).
func (l *SoftmaxLayer) OutShape() Shape { return l.shape }

// Params returns the weights [K][in] and biases [K].
func (l *SoftmaxLayer) Params() []*Param { return l.dense.Params() }

// Classes returns K.
func (l *SoftmaxLayer) Classes() int { return l.spec.Classes }

// Init sets the weights and biases to zero (network3's softmax layer
// starts at zero, and He's), or draws them as a fully-connected layer's
// under InitPyTorch.
func (l *SoftmaxLayer) Init(scheme Init, ctx InitContext, rng *rand.Rand) error {
	if scheme == InitPyTorch {
		return l.dense.Init(scheme, ctx, rng)
	}
	clear(l.dense.W.Value.Data)
	clear(l.dense.B.Value.Data)
	return nil
}

// Forward: x → logits z = x·Wᵀ + b → y[i][k] = exp(z[i][k] - max z[i]) / Σ_k exp(...).
func (l *SoftmaxLayer) Forward(x []float32, n int, train bool) []float32 {
	z := l.dense.Forward(x, n, train)
	l.rows = n * l.shape.Steps()
	y := l.y[:l.rows*l.spec.Classes]
	softmaxRows(z, y, l.spec.Classes)
	return y
}

// Backward is the general Jacobian product dCost/dz = y ⊙ (gy - Σ gy·y),
// then the fully-connected layer's. Training a classifier uses
// CrossEntropy instead.
func (l *SoftmaxLayer) Backward(gy []float32) []float32 {
	k := l.spec.Classes
	for i := 0; i < l.rows; i++ {
		y, g, gz := l.y[i*k:(i+1)*k], gy[i*k:(i+1)*k], l.gz[i*k:(i+1)*k]
		var dot float32
		for j := range y {
			dot += g[j] * y[j]
		}
		for j := range y {
			gz[j] = y[j] * (g[j] - dot)
		}
	}
	return l.dense.Backward(l.gz[:l.rows*k])
}

// SetFrozen(true) makes the backward passes leave the parameters'
// gradients as they are: see Freezer.
func (l *SoftmaxLayer) SetFrozen(on bool) { l.dense.SetFrozen(on) }

// SetInputGrad(false) makes the backward passes skip dCost/dInput: see
// InputGradSwitch.
func (l *SoftmaxLayer) SetInputGrad(on bool) { l.dense.SetInputGrad(on) }

// CrossEntropy: see Classifier.
func (l *SoftmaxLayer) CrossEntropy(labels []int, smoothing float64) (float64, []float32) {
	cost := crossEntropyGrad(l.y[:l.rows*l.spec.Classes], labels, smoothing, l.spec.Classes, l.gz)
	return cost, l.dense.Backward(l.gz[:l.rows*l.spec.Classes])
}

// CrossEntropySoft: see Classifier.
func (l *SoftmaxLayer) CrossEntropySoft(targets []float32) (float64, []float32) {
	cost := crossEntropySoftGrad(l.y[:l.rows*l.spec.Classes], targets, l.spec.Classes, l.gz)
	return cost, l.dense.Backward(l.gz[:l.rows*l.spec.Classes])
}

// softmaxRows writes the softmax of each row of k logits z into y.
func softmaxRows(z, y []float32, k int) {
	for i := 0; i < len(y)/k; i++ {
		row, out := z[i*k:(i+1)*k], y[i*k:(i+1)*k]
		m := row[0]
		for _, v := range row[1:] {
			m = max(m, v)
		}
		var s float64
		for j, v := range row {
			e := math.Exp(float64(v - m))
			out[j] = float32(e)
			s += e
		}
		inv := float32(1 / s)
		for j := range out {
			out[j] *= inv
		}
	}
}

// crossEntropyGrad returns the mean cross-entropy of the probabilities y
// ([rows][k]) against t = (1-ε)·onehot(label) + ε/k, and writes its
// gradient with respect to the logits, (y - t)/rows, into gz. With ε = 0
// it is network3's negative log-likelihood; with ε > 0 label smoothing
// (Szegedy et al. 2016; PyTorch's CrossEntropyLoss(label_smoothing=ε)).
func crossEntropyGrad(y []float32, labels []int, smoothing float64, k int, gz []float32) float64 {
	rows := len(y) / k
	if len(labels) < rows {
		panic(fmt.Sprintf("nn: softmax: %d labels for %d rows", len(labels), rows))
	}
	if !(smoothing >= 0 && smoothing < 1) {
		panic(fmt.Sprintf("nn: softmax: label smoothing %v outside [0, 1)", smoothing))
	}
	var cost float64
	inv := 1 / float32(rows)
	off := smoothing / float64(k) // every class's share of ε
	goff := float32(off) * inv
	for i := 0; i < rows; i++ {
		lab := labels[i]
		if lab < 0 || lab >= k {
			panic(fmt.Sprintf("nn: softmax: label %d outside [0, %d)", lab, k))
		}
		yi, g := y[i*k:(i+1)*k], gz[i*k:(i+1)*k]
		cost -= (1 - smoothing) * math.Log(math.Max(float64(yi[lab]), 1e-30))
		for j, v := range yi {
			g[j] = v*inv - goff
		}
		if smoothing > 0 {
			for _, v := range yi {
				cost -= off * math.Log(math.Max(float64(v), 1e-30))
			}
		}
		g[lab] -= float32(1-smoothing) * inv
	}
	return cost / float64(rows)
}

// crossEntropySoftGrad returns the mean cross-entropy -Σ_k t[k]·log y[k]
// of the probabilities y ([rows][k]) against the distributions targets,
// and writes its gradient with respect to the logits, (y - t)/rows, into
// gz. Distillation trains on a teacher's probabilities this way.
func crossEntropySoftGrad(y, targets []float32, k int, gz []float32) float64 {
	rows := len(y) / k
	if len(targets) < len(y) {
		panic(fmt.Sprintf("nn: softmax: %d target values for %d rows of %d", len(targets), rows, k))
	}
	var cost float64
	inv := 1 / float32(rows)
	for i, v := range y {
		t := targets[i]
		if t != 0 {
			cost -= float64(t) * math.Log(math.Max(float64(v), 1e-30))
		}
		gz[i] = (v - t) * inv
	}
	return cost / float64(rows)
}
