package nn_test

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/deepnet-go/deepnet/internal/gradcheck"
	"github.com/deepnet-go/deepnet/nn"
)

// TestSequenceThroughLayers: a network "rows fc:6 tanh softmax:4" on
// 5×3 images classifies each row on its own, with the same weights at
// every step, as "fc:6 tanh softmax:4" classifies one row; its shapes
// carry the time axis; its cross-entropy over all steps has the gradient
// central differences give.
func TestSequenceThroughLayers(t *testing.T) {
	const n, h, w = 3, 5, 3
	seq := newNet(t, "rows fc:6 tanh softmax:4", nn.Shape{C: 1, H: h, W: w}, n)
	one := newNet(t, "fc:6 tanh softmax:4", nn.Shape{C: w, H: 1, W: 1}, 1)
	if got := seq.OutShape(); got != (nn.Shape{C: 4, H: 1, W: 1, Flat: true, T: h}) || got.String() != "5×4" {
		t.Fatalf("output shape %+v (%s), want 5 steps of 4", got, got)
	}
	rng := rand.New(rand.NewPCG(5, 6))
	for i, p := range seq.Params() {
		for j := range p.Value.Data {
			p.Value.Data[j] = float32(rng.NormFloat64())
		}
		copy(one.Params()[i].Value.Data, p.Value.Data)
	}
	x := make([]float32, n*h*w)
	for i := range x {
		x[i] = float32(rng.NormFloat64())
	}
	y := append([]float32(nil), seq.Forward(x, n, false)...) // [h][n][4]
	for i := range n {
		for r := range h {
			want := one.Forward(x[(i*h+r)*w:(i*h+r+1)*w], 1, false)
			for k, v := range want {
				if got := y[(r*n+i)*4+k]; math.Abs(float64(got-v)) > 1e-6 {
					t.Fatalf("example %d, step %d, class %d: %v, one row alone %v", i, r, k, got, v)
				}
			}
		}
	}
	labels := make([]int, h*n) // one per step and example, [h][n]
	for i := range labels {
		labels[i] = rng.IntN(4)
	}
	cost := func() float64 {
		seq.Forward(x, n, true)
		return seq.BackwardLabels(labels, 0, nil)
	}
	cost()
	for _, p := range seq.Params() {
		analytic := append([]float32(nil), p.Grad.Data...)
		if err := gradcheck.Compare(p.Name, analytic, gradcheck.Numeric(p.Value.Data, 1e-3, cost), 3e-2, 1e-2); err != nil {
			t.Error(err)
		}
	}
	defer func() {
		if recover() == nil {
			t.Error("Predict classified whole examples with a network that classifies steps")
		}
	}()
	seq.Predict(x, n, make([]int, n))
}

// TestSequencesRefusedWhereNotTaken: convolution, pooling and batch
// normalisation take images, not sequences, and say so.
func TestSequencesRefusedWhereNotTaken(t *testing.T) {
	for _, text := range []string{"rows conv:2x1x1 softmax:2", "rows maxpool:2 softmax:2", "rows batchnorm softmax:2"} {
		spec, err := nn.ParseSpec(text)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := nn.Plan(spec, nn.Shape{C: 1, H: 4, W: 4}); err == nil {
			t.Errorf("%s: no error", text)
		}
	}
}

func newNet(t *testing.T, text string, in nn.Shape, batch int) *nn.Network {
	t.Helper()
	spec, err := nn.ParseSpec(text)
	if err != nil {
		t.Fatal(err)
	}
	net, err := nn.New(nn.Config{Spec: spec, In: in, MaxBatch: batch, Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	return net
}
