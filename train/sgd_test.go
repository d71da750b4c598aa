package train

import (
	"math"
	"testing"

	"github.com/deepnet-go/deepnet/nn"
	"github.com/deepnet-go/deepnet/tensor"
)

func TestSGDStep(t *testing.T) {
	w := &nn.Param{Value: tensor.From([]float32{1, -2}, 2), Grad: tensor.From([]float32{0.5, 0.25}, 2), Decay: true}
	b := &nn.Param{Value: tensor.From([]float32{3}, 1), Grad: tensor.From([]float32{1}, 1)}
	params := []*nn.Param{w, b}
	NewSGD(params, 0.1, 2, 4, 0, false).Step(params, 0.1)
	// w - η(g + λ/B·w) with λ/B = 0.5; the bias is not decayed.
	want := []float32{1 - 0.1*(0.5+0.5), -2 - 0.1*(0.25-1), 3 - 0.1}
	got := []float32{w.Value.Data[0], w.Value.Data[1], b.Value.Data[0]}
	for i := range want {
		if math.Abs(float64(got[i]-want[i])) > 1e-6 {
			t.Fatalf("after a step %v, want %v", got, want)
		}
	}
	// Momentum: v = -ηg, then v = μv - ηg.
	p := &nn.Param{Value: tensor.From([]float32{0}, 1), Grad: tensor.From([]float32{1}, 1)}
	o := NewSGD([]*nn.Param{p}, 1, 0, 1, 0.5, false)
	o.Step([]*nn.Param{p}, 1)
	o.Step([]*nn.Param{p}, 1)
	if p.Value.Data[0] != -1-1.5 {
		t.Fatalf("momentum: w = %v, want -2.5", p.Value.Data[0])
	}
}

func TestNesterovStep(t *testing.T) {
	// With a constant gradient g = 1, η = 1, μ = 0.5: v₁ = -1, w₁ = μv₁ - g = -1.5;
	// v₂ = -1.5, w₂ = w₁ + μv₂ - g = -1.5 - 0.75 - 1 = -3.25.
	p := &nn.Param{Value: tensor.From([]float32{0}, 1), Grad: tensor.From([]float32{1}, 1)}
	o := NewSGD([]*nn.Param{p}, 1, 0, 1, 0.5, true)
	o.Step([]*nn.Param{p}, 1)
	if p.Value.Data[0] != -1.5 {
		t.Fatalf("after one step w = %v, want -1.5", p.Value.Data[0])
	}
	o.Step([]*nn.Param{p}, 1)
	if p.Value.Data[0] != -3.25 {
		t.Fatalf("after two steps w = %v, want -3.25", p.Value.Data[0])
	}
}
