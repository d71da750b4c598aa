package nn

import (
	"errors"
	"math"
	"math/rand/v2"
	"slices"
	"testing"
)

// freezeBatch returns n random 28×28 images and labels.
func freezeBatch(n int) ([]float32, []int) {
	rng := rand.New(rand.NewPCG(7, 7))
	x := randSlice(rng, n*784, 1)
	labels := make([]int, n)
	for i := range labels {
		labels[i] = rng.IntN(10)
	}
	return x, labels
}

// sgdUpdate is a plain SGD step at rate 0.1 inside the backward pass.
func sgdUpdate(ps []*Param) {
	for _, p := range ps {
		if p.Grad == nil {
			continue
		}
		for i, g := range p.Grad.Data {
			p.Value.Data[i] -= 0.1 * g
		}
	}
}

// TestFrozenLayersStayBitForBit: after training steps, a frozen layer's
// weights and batch normalisation's running statistics are those it
// started with, bit for bit; its gradients were not even written (they
// keep a NaN put there); the layers above it train.
func TestFrozenLayersStayBitForBit(t *testing.T) {
	net := mnistNet(t, "conv:4x5x5 batchnorm maxpool:2 relu fc:16:relu softmax:10", 8, 1)
	frozen := []bool{true, true, false, false, false, false, false}
	net.SetFrozen(frozen)
	before := map[string][]float32{}
	for _, p := range net.Params() {
		before[p.Name] = slices.Clone(p.Value.Data)
		if p.Grad != nil {
			p.Grad.Data[0] = float32(math.NaN())
		}
	}
	x, labels := freezeBatch(8)
	for range 3 {
		net.Forward(x, 8, true)
		net.BackwardLabels(labels, 0, sgdUpdate)
	}
	for _, p := range net.Params() {
		same := slices.Equal(p.Value.Data, before[p.Name])
		if p.Frozen != (p.Name[0] == '0' || p.Name[0] == '1') {
			t.Errorf("%s: Frozen %v", p.Name, p.Frozen)
		}
		switch {
		case p.Frozen && !same:
			t.Errorf("%s changed, frozen", p.Name)
		case p.Frozen && p.Grad != nil && !math.IsNaN(float64(p.Grad.Data[0])):
			t.Errorf("%s: gradient written for a frozen layer", p.Name)
		case !p.Frozen && same:
			t.Errorf("%s did not train", p.Name)
		}
	}
	if net.low != 4 {
		t.Errorf("backward stops at layer %d, want 4 (the lowest trained one)", net.low)
	}
	if !net.Layers[4].(*DenseLayer).noInGrad {
		t.Error("layer 4 computes an input gradient nothing needs")
	}
	net.SetFrozen(nil)
	if net.low != 0 || net.Layers[4].(*DenseLayer).noInGrad || net.Params()[0].Frozen {
		t.Error("SetFrozen(nil) did not unfreeze")
	}
}

// TestFrozenGradientsAbove: freezing the bottom layers changes no
// gradient of the layers above (without batch normalisation the forward
// pass is the same).
func TestFrozenGradientsAbove(t *testing.T) {
	const spec = "conv:4x5x5 maxpool:2 relu conv:6x3x3 relu fc:16:relu softmax:10"
	a, b := mnistNet(t, spec, 8, 3), mnistNet(t, spec, 8, 3)
	b.SetFrozen([]bool{true, false, false, false, false, false, false, false})
	x, labels := freezeBatch(8)
	for _, net := range []*Network{a, b} {
		net.Forward(x, 8, true)
		net.BackwardLabels(labels, 0, nil)
	}
	for i, p := range b.Params() {
		if !p.Frozen && !slices.Equal(p.Grad.Data, a.Params()[i].Grad.Data) {
			t.Errorf("%s: gradient differs when layer 0 is frozen", p.Name)
		}
	}
}

// TestFrozenRecurrent: a frozen LSTM under a trained head keeps its
// weights; an LSTM above frozen layers still gets the gradient through
// time.
func TestFrozenRecurrent(t *testing.T) {
	net := mnistNet(t, "rows lstm:8 fc:12:tanh softmax:10", 4, 1)
	net.SetFrozen([]bool{false, true, false, false, false})
	w := slices.Clone(net.Params()[0].Value.Data)
	x, labels := freezeBatch(4)
	net.Forward(x, 4, true)
	net.BackwardLabels(labels, 0, sgdUpdate)
	if !slices.Equal(w, net.Params()[0].Value.Data) {
		t.Error("the frozen LSTM's weights changed")
	}
	if net.low != 2 {
		t.Errorf("backward stops at %d, want 2", net.low)
	}
}

// TestCopyMatching copies the layers that fit and lists the others.
func TestCopyMatching(t *testing.T) {
	src := mnistNet(t, "conv:4x5x5 batchnorm maxpool:2 relu fc:16:relu softmax:10", 4, 1)
	for _, p := range src.Params() {
		if p.Grad == nil { // running statistics: make them differ from a fresh layer's
			for i := range p.Value.Data {
				p.Value.Data[i] = 0.5
			}
		}
	}
	dst := mnistNet(t, "conv:4x5x5 batchnorm maxpool:2 relu fc:16:relu softmax:5", 4, 2)
	copied, err := CopyMatching(dst, src)
	if !slices.Equal(copied, []int{0, 1, 4}) {
		t.Errorf("copied %v, want [0 1 4]", copied)
	}
	var me *MismatchError
	if !errors.As(err, &me) || len(me.Layers) != 1 || me.Layers[0].Layer != 6 {
		t.Fatalf("error %v, want a *MismatchError naming layer 6", err)
	}
	if got := me.Layers[0].String(); got != "layer 6 softmax:5 (source softmax:10): weight is [10 16] in the source, [5 16] here" {
		t.Errorf("mismatch %q", got)
	}
	for i, p := range dst.Params() {
		same := slices.Equal(p.Value.Data, src.Params()[i].Value.Data)
		if wantSame := p.Name[0] != '6'; same != wantSame {
			t.Errorf("%s: equal to the source's %v, want %v", p.Name, same, wantSame)
		}
	}
	kind := mnistNet(t, "conv:4x5x5 relu maxpool:2 fc:16:relu", 4, 1)
	if _, err := CopyMatching(kind, src); err == nil || !errors.As(err, &me) || len(me.Layers) != 4 {
		t.Errorf("copying into another kind: %v", err)
	}
}
