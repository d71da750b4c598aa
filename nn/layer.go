package nn

import (
	"fmt"
	"math/rand/v2"

	"github.com/deepnet-go/deepnet/tensor"
)

// Shape is the shape of one example as a layer sees it: C feature maps of
// H×W pixels, C values of a flat vector ({C: n, H: 1, W: 1} with Flat set),
// or a sequence of T flat vectors of C values.
type Shape struct {
	C, H, W int
	// Flat reports the batch layout: [N][C·H·W] when true (the output of
	// fully-connected layers), [C][N][H][W] when false (images and the output
	// of convolution and pooling).
	Flat bool
	// T is the number of time steps of a sequence (0: not a sequence). A
	// sequence is flat, and a batch of them is laid out [T][N][C], time
	// first: a layer that treats every step alike (fully-connected,
	// softmax) computes all steps of all examples as T·N rows at once.
	T int
}

// Step returns the number of values of one time step (of the whole example
// when it is not a sequence).
func (s Shape) Step() int { return s.C * s.H * s.W }

// Steps returns the number of time steps: T for a sequence, else 1.
func (s Shape) Steps() int { return max(s.T, 1) }

// Size returns the number of values of one example.
func (s Shape) Size() int { return s.Step() * s.Steps() }

// String formats s as "20×12×12", "100", or "28×100" (28 steps of 100).
func (s Shape) String() string {
	switch {
	case s.T > 0:
		return fmt.Sprintf("%d×%d", s.T, s.Step())
	case s.Flat:
		return fmt.Sprint(s.Size())
	}
	return fmt.Sprintf("%d×%d×%d", s.C, s.H, s.W)
}

// Param is one tensor of a layer's state that a model file keeps: a
// trained parameter and its gradient, or a buffer (Grad nil), such as
// batch normalisation's running mean.
type Param struct {
	// Name is the tensor's name in model files, e.g. "0.weight".
	Name  string
	Value *tensor.Tensor
	// Grad holds dCost/dValue for the last mini-batch (overwritten by
	// each Backward, not accumulated); nil for a buffer.
	Grad *tensor.Tensor
	// Decay reports whether L2 regularisation applies (weights, not biases).
	Decay bool
	// Frozen reports that the parameter's layer is frozen
	// (Network.SetFrozen): training leaves it as it is, and its gradient
	// is not computed.
	Frozen bool
}

// Layer is one stage of a Network. A layer is built for an input shape and
// a largest batch size, and owns every buffer it writes, so Forward and
// Backward never allocate.
//
// Forward reads a batch of n ≤ maxBatch examples x (in the layout of the
// input Shape) and returns the layer's own output buffer (or x itself when
// the layer changes nothing), valid until the next Forward. Backward takes
// dCost/dOutput for the batch of the last Forward, writes the parameters'
// gradients and returns dCost/dInput (nil when the layer was built without
// BuildContext.InputGrad).
type Layer interface {
	// Spec returns the layer's description, which ParseSpec reads back.
	Spec() LayerSpec
	// OutShape returns the shape of one example of the output.
	OutShape() Shape
	Forward(x []float32, n int, train bool) []float32
	Backward(gy []float32) []float32
	// Params returns the layer's tensors (none for most layers).
	Params() []*Param
}

// Initialiser is implemented by layers with trained parameters: Init
// draws them for scheme from rng (a layer draws nothing where a scheme sets
// constants). New initialises the layers in order from one generator, so
// the seed fixes every weight. A layer with trained parameters that is not
// an Initialiser is refused by New.
type Initialiser interface {
	Init(scheme Init, ctx InitContext, rng *rand.Rand) error
}

// Stateful is implemented by layers with state beyond their parameters
// that a resumed run needs to continue bit-identically: dropout's
// random-number generator. Checkpoints keep it.
type Stateful interface {
	MarshalState() ([]byte, error)
	UnmarshalState([]byte) error
}

// RunningStats is implemented by layers that keep running averages of
// their inputs' statistics (batch normalisation). ResetRunning(true)
// starts them afresh as plain means over the training batches that
// follow, for weights they do not belong to (such as averaged ones);
// ResetRunning(false) returns to the usual running averages.
type RunningStats interface {
	ResetRunning(cumulative bool)
}

// Recurrent is implemented by layers with a state that runs across time
// steps. With carry on, each Forward starts from the state the last one
// ended in (for a batch of the same size), as a language model reading a
// long text window by window does; gradients do not flow back into the
// earlier window (truncated backpropagation through time). ResetState
// makes the next Forward start from zeros.
type Recurrent interface {
	SetCarry(on bool)
	ResetState()
}

// StateProbe is implemented by recurrent layers that can record, at each
// Backward, the norm of the cost's gradient with respect to their hidden
// state at every time step: StateGradients()[layer][t], for each stacked
// layer, the state after step t.
type StateProbe interface {
	RecordStateGradients(on bool)
	StateGradients() [][]float64
}

// Classifier is implemented by a last layer whose output is class
// probabilities, [n][K] (or [T][n][K] for a sequence, one distribution
// per step), and which computes the cross-entropy of its last Forward
// against a batch's targets together with every gradient below it in one
// step: its parameters' and its input's (returned; nil without
// InputGrad). The fused gradient (y - t)/n with respect to the logits is
// exact where the softmax's Jacobian would lose it to rounding.
type Classifier interface {
	Layer
	// Classes returns K.
	Classes() int
	// CrossEntropy is the mean over the n·T rows of -Σ_k t[k]·log y[k] for
	// t = (1-ε)·onehot(label) + ε/K (label smoothing ε; 0: the
	// log-likelihood of the label). It panics on a label outside [0, K):
	// data are checked before they reach a network.
	CrossEntropy(labels []int, smoothing float64) (cost float64, gx []float32)
	// CrossEntropySoft is CrossEntropy against target distributions
	// [rows][K] (each row non-negative, summing to 1).
	CrossEntropySoft(targets []float32) (cost float64, gx []float32)
}

// checkBatch panics when n is outside [1, max]: a programmer error.
func checkBatch(layer string, n, max int) {
	if n < 1 || n > max {
		panic(fmt.Sprintf("nn: %s: batch of %d examples, built for 1..%d", layer, n, max))
	}
}
