package train

import (
	"context"
	"math"
	"slices"
	"strings"
	"testing"

	"github.com/deepnet-go/deepnet/data"
	"github.com/deepnet-go/deepnet/nn"
)

// freezeSpec has batch normalisation in its frozen part (layers 0-1).
const freezeSpec = "conv:4x3x3 batchnorm maxpool:2 relu dropout:0.3 fc:16:relu softmax:2"

// frozenBelow freezes net's layers below n.
func frozenBelow(net *nn.Network, n int) {
	f := make([]bool, len(net.Layers))
	for i := range n {
		f[i] = true
	}
	net.SetFrozen(f)
}

// TestFreezeKeepsWeightsBitForBit: a run with every optimiser, weight
// decay, clipping and weight averaging (which recalibrates batch
// normalisation) leaves the frozen layers' parameters and running
// statistics bit for bit as they were, and trains the others.
func TestFreezeKeepsWeightsBitForBit(t *testing.T) {
	set := synthetic(100, 1)
	d := &data.Splits{Train: set, Validation: synthetic(40, 2), Test: synthetic(40, 3)}
	for _, o := range optimizers {
		for _, clip := range []float64{0, 0.1} {
			net := smallNet(t, freezeSpec, 10, 1)
			frozenBelow(net, 2)
			before := map[string][]float32{}
			for _, p := range net.Params() {
				before[p.Name] = slices.Clone(p.Value.Data)
			}
			cfg := Config{Epochs: 2, Batch: 10, Eta: 0.1, Lambda: 0.5, ClipNorm: clip, Average: 2}
			o.set(&cfg)
			if _, err := Run(context.Background(), net, d, cfg); err != nil {
				t.Fatal(err)
			}
			for _, p := range net.Params() {
				same := slices.Equal(before[p.Name], p.Value.Data)
				if p.Frozen != same {
					t.Errorf("%s, clip %v: %s frozen %v, unchanged %v", o.name, clip, p.Name, p.Frozen, same)
				}
			}
		}
	}
}

// TestRatesScaleTheStep: a factor of Config.Rates scales the update of
// its parameters (plain SGD: w - r·η·g), and changes no other.
func TestRatesScaleTheStep(t *testing.T) {
	set := synthetic(100, 1)
	idx := []int{0, 1, 2, 3, 4, 5, 6, 7, 8, 9}
	const spec = "conv:4x3x3 maxpool:2 relu fc:16:relu softmax:2"
	plain, scaled := smallNet(t, spec, 10, 1), smallNet(t, spec, 10, 1)
	w0 := slices.Clone(plain.Params()[0].Value.Data)
	rates := map[*nn.Param]float64{scaled.Params()[0]: 0.25, scaled.Params()[1]: 0.25}
	for _, c := range []struct {
		net   *nn.Network
		rates map[*nn.Param]float64
	}{{plain, nil}, {scaled, rates}} {
		tr, err := newClassifierTrainer(c.net, set, Config{Epochs: 1, Batch: 10, Eta: 0.5, Rates: c.rates})
		if err != nil {
			t.Fatal(err)
		}
		tr.Step(idx, 0.5)
	}
	for i, p := range scaled.Params() {
		q := plain.Params()[i]
		if i >= 2 {
			if !slices.Equal(p.Value.Data, q.Value.Data) {
				t.Errorf("%s: a parameter without a rate of its own moved differently", p.Name)
			}
			continue
		}
		if i == 1 {
			continue
		}
		for j := range p.Value.Data {
			want := w0[j] + 0.25*(q.Value.Data[j]-w0[j])
			if math.Abs(float64(p.Value.Data[j]-want)) > 1e-6 {
				t.Fatalf("%s[%d] = %v, want %v (a quarter of the step)", p.Name, j, p.Value.Data[j], want)
			}
		}
	}
}

// TestRatesChecked: a factor that is not positive and finite, or of a
// parameter the objective does not have, is refused; so is a network
// whose every layer is frozen.
func TestRatesChecked(t *testing.T) {
	set := synthetic(100, 1)
	net, other := smallNet(t, freezeSpec, 10, 1), smallNet(t, freezeSpec, 10, 1)
	for _, c := range []struct {
		rates map[*nn.Param]float64
		want  string
	}{
		{map[*nn.Param]float64{net.Params()[0]: 0}, "must be positive"},
		{map[*nn.Param]float64{net.Params()[0]: math.Inf(1)}, "must be positive"},
		{map[*nn.Param]float64{other.Params()[0]: 1}, "not a parameter"},
	} {
		_, err := newClassifierTrainer(net, set, Config{Epochs: 1, Batch: 10, Eta: 0.1, Rates: c.rates})
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("rates %v: error %v, want %q", c.rates, err, c.want)
		}
	}
	frozenBelow(net, len(net.Layers))
	if _, err := newClassifierTrainer(net, set, Config{Epochs: 1, Batch: 10, Eta: 0.1}); err == nil || !strings.Contains(err.Error(), "frozen") {
		t.Errorf("every layer frozen: %v", err)
	}
}

// TestFrozenStepDoesNotAllocate: a step with frozen layers and rates of
// their own allocates nothing, with clipping and without.
func TestFrozenStepDoesNotAllocate(t *testing.T) {
	set := synthetic(100, 1)
	idx := []int{0, 1, 2, 3, 4, 5, 6, 7, 8, 9}
	for _, clip := range []float64{0, 0.1} {
		net := smallNet(t, freezeSpec, 10, 1)
		frozenBelow(net, 2)
		rates := map[*nn.Param]float64{net.Params()[6]: 0.1}
		tr, err := newClassifierTrainer(net, set, Config{Epochs: 1, Batch: 10, Eta: 0.1, Momentum: 0.9, ClipNorm: clip, Rates: rates})
		if err != nil {
			t.Fatal(err)
		}
		if a := testing.AllocsPerRun(20, func() { tr.Step(idx, 0.1) }); a != 0 {
			t.Fatalf("clip %v: %v allocations per step", clip, a)
		}
	}
}
