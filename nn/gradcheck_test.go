package nn

import (
	"math/rand/v2"
	"testing"

	"github.com/deepnet-go/deepnet/internal/gradcheck"
)

func randSlice(rng *rand.Rand, n int, scale float64) []float32 {
	x := make([]float32, n)
	for i := range x {
		x[i] = float32(rng.NormFloat64() * scale)
	}
	return x
}

// checkLayer compares a layer's input and parameter gradients with central
// differences of L = Σ gy·Forward(x).
func checkLayer(t *testing.T, l Layer, in Shape, n int) {
	t.Helper()
	checkLayerMode(t, l, in, n, false)
}

// checkLayerMode is checkLayer with Forward in training mode or not.
func checkLayerMode(t *testing.T, l Layer, in Shape, n int, train bool) {
	t.Helper()
	rng := rand.New(rand.NewPCG(1, 2))
	var params []*Param
	for _, p := range l.Params() {
		if p.Grad != nil {
			copy(p.Value.Data, randSlice(rng, p.Value.Len(), 0.5))
			params = append(params, p)
		}
	}
	x := randSlice(rng, in.Size()*n, 1)
	gy := randSlice(rng, l.OutShape().Size()*n, 1)
	cost := func() float64 { return gradcheck.Dot(gy, l.Forward(x, n, train)) }
	l.Forward(x, n, train)
	gx := append([]float32(nil), l.Backward(gy)...)
	if err := gradcheck.Compare("gx", gx, gradcheck.Numeric(x, 1e-2, cost), 2e-2, 1e-1); err != nil {
		t.Error(err)
	}
	for _, p := range params {
		if err := gradcheck.Compare(p.Name, p.Grad.Data, gradcheck.Numeric(p.Value.Data, 1e-2, cost), 2e-2, 1e-1); err != nil {
			t.Error(err)
		}
	}
}

func TestGradientConv(t *testing.T) {
	for _, c := range []struct {
		spec ConvSpec
		in   Shape
	}{
		{ConvSpec{Maps: 3, KH: 3, KW: 2, Stride: 1}, Shape{C: 2, H: 6, W: 5}},
		{ConvSpec{Maps: 2, KH: 3, KW: 3, Stride: 2}, Shape{C: 3, H: 7, W: 8}},
	} {
		l, err := NewConv(c.spec, c.in, 3, true, "c")
		if err != nil {
			t.Fatal(err)
		}
		checkLayer(t, l, c.in, 3)
	}
}

func TestGradientPool(t *testing.T) {
	in := Shape{C: 2, H: 7, W: 6}
	for _, k := range []PoolOp{MaxPool, L2Pool, AvgPool} {
		l, err := NewPool(PoolSpec{Op: k, KH: 2, KW: 3}, in, 2)
		if err != nil {
			t.Fatal(err)
		}
		checkLayer(t, l, in, 2)
	}
}

func TestGradientDense(t *testing.T) {
	for _, in := range []Shape{{C: 7, H: 1, W: 1, Flat: true}, {C: 3, H: 2, W: 2}, {C: 4, H: 1, W: 1}, {C: 1, H: 3, W: 3}} {
		checkLayer(t, NewDense(DenseSpec{Units: 5}, in, 3, true, "d"), in, 3)
	}
}

func TestGradientActivations(t *testing.T) {
	in := Shape{C: 2, H: 3, W: 3}
	for _, f := range []string{"sigmoid", "tanh", "relu"} {
		checkLayer(t, NewActivation(ActivationSpec{Func: f}, in, 2), in, 2)
	}
}

func TestGradientBatchNorm(t *testing.T) {
	for _, in := range []Shape{{C: 3, H: 4, W: 3}, {C: 5, H: 1, W: 1, Flat: true}} {
		for _, train := range []bool{true, false} {
			l := NewBatchNorm(in, 4, "bn")
			l.Forward(randSlice(rand.New(rand.NewPCG(1, 1)), in.Size()*4, 2), 4, true) // move the running statistics
			checkLayerMode(t, l, in, 4, train)
		}
	}
}

func TestGradientSoftmax(t *testing.T) {
	for _, in := range []Shape{{C: 6, H: 1, W: 1, Flat: true}, {C: 2, H: 3, W: 2}} {
		checkLayer(t, NewSoftmax(SoftmaxSpec{Classes: 4}, in, 3, true, "s"), in, 3)
	}
}

// TestGradientNetwork checks the whole network, cost included: the fused
// softmax-log-likelihood gradient through every kind of layer, with dropout
// in both modes.
func TestGradientNetwork(t *testing.T) {
	for _, mode := range []string{"", ":network3"} {
		t.Run("dropout"+mode, func(t *testing.T) { checkNetworkGradient(t, mode) })
	}
}

func checkNetworkGradient(t *testing.T, dropoutMode string) {
	spec, err := ParseSpec("conv:3x3x3 maxpool:2 tanh conv:4x2x2/1 l2pool:2 fc:7:sigmoid dropout:0.3" + dropoutMode + " fc:6:relu softmax:4")
	if err != nil {
		t.Fatal(err)
	}
	const n = 3
	net, err := New(Config{Spec: spec, In: Shape{C: 2, H: 12, W: 12}, MaxBatch: n, Seed: 3})
	if err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(4, 5))
	for _, p := range net.Params() { // the softmax layer starts at zero
		copy(p.Value.Data, randSlice(rng, p.Value.Len(), 0.5))
	}
	x := randSlice(rng, 2*12*12*n, 1)
	labels := []int{0, 3, 1}
	// Dropout is on in training: fix its mask by re-seeding before each pass.
	drop := net.Layers[7].(*DropoutLayer)
	cost := func() float64 {
		drop.Source.Seed(9, 9)
		net.Forward(x, n, true)
		return net.BackwardLabels(labels, 0, nil)
	}
	cost()
	for _, p := range net.Params() {
		analytic := append([]float32(nil), p.Grad.Data...)
		if err := gradcheck.Compare(p.Name, analytic, gradcheck.Numeric(p.Value.Data, 1e-3, cost), 3e-2, 1e-2); err != nil {
			t.Error(err)
		}
	}
}
