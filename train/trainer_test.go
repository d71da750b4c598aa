package train

import (
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/deepnet-go/deepnet/nn"
)

func TestStepDoesNotAllocate(t *testing.T) {
	set := synthetic(100, 1)
	net := smallNet(t, "conv:4x3x3 maxpool:2 relu dropout:0.3 fc:16:relu softmax:2", 10, 1)
	tr, err := NewTrainer(net, set, Config{Epochs: 1, Batch: 10, Eta: 0.1, Momentum: 0.9})
	if err != nil {
		t.Fatal(err)
	}
	idx := []int{0, 1, 2, 3, 4, 5, 6, 7, 8, 9}
	if a := testing.AllocsPerRun(20, func() { tr.Step(idx, 0.1) }); a != 0 {
		t.Fatalf("%v allocations per training step", a)
	}
}

func TestNewTrainerChecks(t *testing.T) {
	set := synthetic(100, 1)
	net := smallNet(t, "fc:8 softmax:2", 10, 1)
	for _, c := range []struct {
		cfg  Config
		want string
	}{
		{Config{Batch: 20, Eta: 0.1}, "MaxBatch"},
		{Config{Batch: 10, Eta: 0}, "learning rate"},
		{Config{Batch: 10, Eta: 0.1, Lambda: -1}, "learning rate"},
		{Config{Batch: 10, Eta: 0.1, LabelSmoothing: 1}, "label smoothing"},
	} {
		if _, err := NewTrainer(net, set, c.cfg); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%+v: error %v, want %q", c.cfg, err, c.want)
		}
	}
}

// TestLabelSmoothingReachesTheCost checks that Config.LabelSmoothing is the
// cost a step differentiates: from the same weights, a step with ε 0.2 has
// the cost (1-ε)·NLL + ε·mean over classes of -log y, where NLL and the
// probabilities y come from the step without smoothing.
func TestLabelSmoothingReachesTheCost(t *testing.T) {
	set := synthetic(100, 1)
	idx := []int{0, 1, 2, 3, 4, 5, 6, 7, 8, 9}
	costs := map[float64]float64{}
	var uniform float64 // mean over examples and classes of -log y
	// The network3 initialisation starts the softmax layer at zero, where
	// every class has probability 1/2 and smoothing changes nothing.
	newNet := func() *nn.Network {
		net := smallNet(t, "fc:8:relu softmax:2", 10, 1)
		rng := rand.New(rand.NewPCG(5, 6))
		for _, p := range net.Params() {
			for i := range p.Value.Data {
				p.Value.Data[i] = float32(rng.NormFloat64())
			}
		}
		return net
	}
	for _, eps := range []float64{0, 0.2} {
		net := newNet()
		tr, err := NewTrainer(net, set, Config{Epochs: 1, Batch: 10, Eta: 0.1, LabelSmoothing: eps})
		if err != nil {
			t.Fatal(err)
		}
		if net.LabelSmoothing != eps {
			t.Fatalf("network's label smoothing %v, want %v", net.LabelSmoothing, eps)
		}
		costs[eps] = tr.Step(idx, 0.1)
	}
	// The probabilities the steps started from: a fresh network's (no
	// dropout or batch normalisation, so training mode changes nothing).
	net := newNet()
	x := make([]float32, 10*net.In.Size())
	set.Batch(x, idx)
	for _, p := range net.Forward(x, 10, false) {
		uniform -= math.Log(float64(p)) / 20
	}
	want := 0.8*costs[0] + 0.2*uniform
	if math.Abs(costs[0.2]-want) > 1e-5 {
		t.Fatalf("cost with ε 0.2: %v, want %v", costs[0.2], want)
	}
}

// TestUpdateInsideBackward checks that Trainer.Step, which updates each
// layer's weights inside Backward, gives the weights of a whole Backward
// followed by one SGD.Step.
func TestUpdateInsideBackward(t *testing.T) {
	set := synthetic(60, 2)
	const spec = "conv:4x3x3 batchnorm relu maxpool:2 dropout:0.3 fc:16:relu softmax:2"
	cfg := Config{Epochs: 1, Batch: 10, Eta: 0.1, Lambda: 0.5, Momentum: 0.9, Nesterov: true}
	a, b := smallNet(t, spec, 10, 3), smallNet(t, spec, 10, 3)
	tr, err := NewTrainer(a, set, cfg)
	if err != nil {
		t.Fatal(err)
	}
	opt := NewSGD(b.Params(), cfg.Eta, cfg.Lambda, set.N/cfg.Batch, cfg.Momentum, cfg.Nesterov)
	x := make([]float32, 10*64)
	labels := make([]int, 10)
	for step := 0; step < 5; step++ {
		idx := []int{0, 1, 2, 3, 4, 5, 6, 7, 8, 9}
		for i := range idx {
			idx[i] += 10 * step
			labels[i] = int(set.Labels[idx[i]])
		}
		tr.Step(idx, 0.1)
		set.Batch(x, idx)
		b.Forward(x, 10, true)
		b.Backward(labels)
		opt.Step(b.Params(), 0.1)
	}
	pa, pb := a.Params(), b.Params()
	for i := range pa {
		for j, v := range pa[i].Value.Data {
			if math.Float32bits(v) != math.Float32bits(pb[i].Value.Data[j]) {
				t.Fatalf("%s[%d]: %v, want %v", pa[i].Name, j, v, pb[i].Value.Data[j])
			}
		}
	}
}
