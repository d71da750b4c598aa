package train

import (
	"math"
	"testing"

	"github.com/deepnet-go/deepnet/internal/torchref"
	"github.com/deepnet-go/deepnet/nn"
)

type torchValues = torchref.Tensor

func loadTorchStep(t *testing.T, name string) torchref.Case {
	t.Helper()
	cases, err := torchref.Cases()
	if err != nil {
		t.Fatal(err)
	}
	c, ok := cases[name]
	if !ok {
		t.Fatalf("no case %s in %s", name, torchref.Path())
	}
	return c
}

// maxAbs is the largest magnitude of v.
func maxAbs(v []float64) float64 {
	m := 0.0
	for _, x := range v {
		m = math.Max(m, math.Abs(x))
	}
	return m
}

// within fails unless |got[i] - want[i]| ≤ tol(i) for every i.
func within(t *testing.T, what string, got []float32, want torchValues, tol func(i int) float64) {
	t.Helper()
	if len(got) != len(want.Data) {
		t.Fatalf("%s: %d values, PyTorch %d", what, len(got), len(want.Data))
	}
	worst, at := 0.0, 0
	for i, w := range want.Data {
		d := math.Abs(float64(got[i]) - w)
		if math.IsNaN(d) {
			d = math.Inf(1)
		}
		if r := d / tol(i); r > worst {
			worst, at = r, i
		}
	}
	t.Logf("%s: largest error %.3g of its tolerance at %d", what, worst, at)
	if worst > 1 {
		t.Errorf("%s[%d] = %v, PyTorch %v (error %.3g of the tolerance)", what, at, got[at], want.Data[at], worst)
	}
}

// TestStepMatchesTorch runs one training step of the relu network on a
// batch of 10 28×28 images and compares it with PyTorch: the class
// probabilities, the mean log-likelihood, every gradient, and every
// parameter after network3's SGD step w ← w − η·(∂C/∂w + λ/B·w) (weights
// only). The dense layer's weights are PyTorch's [100][640] over the
// (C, H, W) flattening, so the gradients also check deepnet's layout.
func TestStepMatchesTorch(t *testing.T) {
	c := loadTorchStep(t, "step_relu")
	spec, err := nn.ParseSpec(c.Spec)
	if err != nil {
		t.Fatal(err)
	}
	x := c.Inputs["x"]
	n := x.Shape[0]
	net, err := nn.New(nn.Config{Spec: spec, In: nn.Shape{C: x.Shape[1], H: x.Shape[2], W: x.Shape[3]}, MaxBatch: n, Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	params := net.Params()
	for _, p := range params {
		v, ok := c.Inputs[p.Name]
		if !ok {
			t.Fatalf("no parameter %s in the case", p.Name)
		}
		if len(v.Shape) != len(p.Value.Shape) {
			t.Fatalf("%s: shape %v, PyTorch %v", p.Name, p.Value.Shape, v.Shape)
		}
		for i := range v.Shape {
			if v.Shape[i] != p.Value.Shape[i] {
				t.Fatalf("%s: shape %v, PyTorch %v", p.Name, p.Value.Shape, v.Shape)
			}
		}
		copy(p.Value.Data, v.F32())
	}
	// Every parameter of the case is one of the network's.
	if got, want := len(params), len(c.Inputs)-5; got != want { // less x, labels, eta, lambda, batches
		t.Fatalf("network has %d parameters, the case %d", got, want)
	}
	labels := make([]int, n)
	for i, v := range c.Inputs["labels"].Data {
		labels[i] = int(v)
	}

	// Forward and backward are float32 sums of hundreds of terms through
	// four layers, against float64. An entry that is small because its
	// terms cancel keeps the rounding error of the large terms, so the
	// tolerance is 1e-5 relative plus 5e-6 of the tensor's largest value
	// (deepnet's largest error is about 1.2e-6 of it, in 6.weight.grad;
	// pure 1e-5 relative would fail such entries by up to 40×).
	rel := func(want torchValues) func(int) float64 {
		m := maxAbs(want.Data)
		return func(i int) float64 { return 1e-5*math.Abs(want.Data[i]) + 5e-6*m }
	}
	probs := net.Forward(x.F32(), n, true)
	within(t, "probs", probs, c.Outputs["probs"], rel(c.Outputs["probs"]))
	loss := net.BackwardLabels(labels, 0, nil)
	within(t, "loss", []float32{float32(loss)}, c.Outputs["loss"], rel(c.Outputs["loss"]))
	grads := map[string][]float32{}
	for _, p := range params {
		want := c.Outputs[p.Name+".grad"]
		within(t, p.Name+".grad", p.Grad.Data, want, rel(want))
		grads[p.Name] = append([]float32(nil), p.Grad.Data...)
	}

	eta, lambda, batches := c.Inputs["eta"].Data[0], c.Inputs["lambda"].Data[0], int(c.Inputs["batches"].Data[0])
	NewSGD(params, eta, lambda, batches, 0, false).Step(params, eta)
	// The L2 term moves a weight by η·λ/B·w = 6e-7 of w, 5 to 10 float32
	// ulps of w: a relative tolerance of 1e-5 would not see it. Deepnet
	// starts from PyTorch's values exactly (they are float32 values), so
	// after the step it may differ only by η times its gradient's error
	// (checked above), plus the float32 roundings of the update
	// d = η·(g + λ/B·w) (two ulps of d) and of w - d (one ulp). Where the
	// gradient's error dominates, the error of the step is about η times
	// it, and its ratio to this tolerance close to 1.
	for _, p := range params {
		want, before := c.Outputs[p.Name], c.Inputs[p.Name].Data
		g, gRef := grads[p.Name], c.Outputs[p.Name+".grad"].Data
		within(t, p.Name, p.Value.Data, want, func(i int) float64 {
			return eta*math.Abs(float64(g[i])-gRef[i]) + 2*ulp32(before[i]-want.Data[i]) + ulp32(want.Data[i])
		})
	}
}

// ulp32 is the spacing of float32 values at |v|.
func ulp32(v float64) float64 {
	f := float32(math.Abs(v))
	return float64(math.Nextafter32(f, float32(math.Inf(1))) - f)
}
