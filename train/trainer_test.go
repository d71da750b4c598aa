package train

import (
	"context"
	"errors"
	"math"
	"strings"
	"testing"

	"github.com/deepnet-go/deepnet/data"
	"github.com/deepnet-go/deepnet/internal/nettest"
	"github.com/deepnet-go/deepnet/nn"
)

// newClassifierTrainer is the Trainer of the classification objective of
// net on the training set set.
func newClassifierTrainer(net *nn.Network, set *data.Set, cfg Config) (*Trainer, error) {
	obj, err := NewClassification(net, &data.Splits{Train: set}, cfg)
	if err != nil {
		return nil, err
	}
	return NewTrainer(obj, cfg)
}

func TestStepDoesNotAllocate(t *testing.T) {
	set := synthetic(100, 1)
	teacher := make([]float32, 2*set.N)
	for i := range set.N {
		teacher[2*i] = 1
	}
	for _, alpha := range []float64{0, 0.5} {
		net := smallNet(t, "conv:4x3x3 maxpool:2 relu dropout:0.3 fc:16:relu softmax:2", 10, 1)
		cfg := Config{Epochs: 1, Batch: 10, Eta: 0.1, Momentum: 0.9, LabelSmoothing: 0.1, Teacher: teacher, TeacherWeight: alpha}
		tr, err := newClassifierTrainer(net, set, cfg)
		if err != nil {
			t.Fatal(err)
		}
		idx := []int{0, 1, 2, 3, 4, 5, 6, 7, 8, 9}
		if a := testing.AllocsPerRun(20, func() { tr.Step(idx, 0.1) }); a != 0 {
			t.Fatalf("teacher weight %v: %v allocations per training step", alpha, a)
		}
	}
	// Every optimiser, with gradient clipping and without.
	for _, o := range optimizers {
		for _, clip := range []float64{0, 0.1} {
			net := smallNet(t, "conv:4x3x3 batchnorm maxpool:2 relu dropout:0.3 fc:16:relu softmax:2", 10, 1)
			cfg := Config{Epochs: 1, Batch: 10, Eta: 0.1, Lambda: 0.1, ClipNorm: clip}
			o.set(&cfg)
			tr, err := newClassifierTrainer(net, set, cfg)
			if err != nil {
				t.Fatal(err)
			}
			idx := []int{0, 1, 2, 3, 4, 5, 6, 7, 8, 9}
			if a := testing.AllocsPerRun(20, func() { tr.Step(idx, 0.1) }); a != 0 {
				t.Errorf("%s, clipping at %v: %v allocations per training step", o.name, clip, a)
			}
		}
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
		{Config{Batch: 10, Eta: 0.1, Lambda: -1}, "λ -1"},
		{Config{Batch: 10, Eta: 0.1, Momentum: 1}, "momentum"},
		{Config{Batch: 10, Eta: 0.1, Optimizer: "adamw"}, `unknown optimiser "adamw"`},
		{Config{Batch: 10, Eta: 0.1, Optimizer: "adam:2"}, "β1 2 outside [0, 1)"},
		{Config{Batch: 10, Eta: 0.1, Optimizer: "adam", Momentum: 0.9}, "momentum 0.9 (Nesterov false) is SGD's; adam keeps its own"},
		{Config{Batch: 10, Eta: 0.1, Optimizer: "rmsprop", Nesterov: true}, "is SGD's; rmsprop"},
		{Config{Batch: 10, Eta: 0.1, ClipNorm: -1}, "clipping norm -1"},
		{Config{Batch: 10, Eta: 0.1, ClipNorm: math.Inf(1)}, "clipping norm +Inf"},
		{Config{Batch: 10, Eta: 0.1, LabelSmoothing: 1}, "label smoothing"},
		{Config{Batch: 10, Eta: 0.1, TeacherWeight: 1.5}, "teacher weight"},
		{Config{Batch: 10, Eta: 0.1, TeacherWeight: 0.5, Teacher: make([]float32, 10)}, "want 200"},
		{Config{Batch: 10, Eta: 0.1, TeacherWeight: 0.5, Teacher: make([]float32, 200)}, "sum to 0"},
	} {
		if _, err := newClassifierTrainer(net, set, c.cfg); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%+v: error %v, want %q", c.cfg, err, c.want)
		}
	}
}

// randomNet is smallNet with every parameter drawn from N(0, 1): network3's
// initialisation starts the softmax layer at zero, where every class has
// the same probability and soft targets change nothing.
func randomNet(t *testing.T) *nn.Network {
	net := smallNet(t, "fc:8:relu softmax:2", 10, 1)
	nettest.Randomize(net, 5, 1)
	return net
}

// TestStepCostTargets checks that label smoothing and a teacher reach the
// cost a step differentiates: from the same weights, the cost is the
// cross-entropy against (1-α)·((1-ε)·onehot + ε/K) + α·teacher, computed
// here in float64 from the probabilities of the untrained network.
func TestStepCostTargets(t *testing.T) {
	const k = 2
	set := synthetic(100, 1)
	idx := []int{3, 1, 4, 0, 5, 9, 2, 6, 8, 7}
	teacher := make([]float32, set.N*k)
	for i := range set.N {
		p := float32(i%7) / 8
		teacher[i*k], teacher[i*k+1] = p, 1-p
	}
	net := randomNet(t)
	x := make([]float32, len(idx)*net.In.Size())
	set.Batch(x, idx)
	y := net.Forward(x, len(idx), false) // no dropout or batch normalisation: as in training
	for _, c := range []struct{ eps, alpha float64 }{{0, 0}, {0.2, 0}, {0, 0.5}, {0.1, 0.7}, {0, 1}} {
		var want float64
		for i, j := range idx {
			for class := range k {
				target := (1-c.alpha)*c.eps/k + c.alpha*float64(teacher[j*k+class])
				if class == int(set.Labels[j]) {
					target += (1 - c.alpha) * (1 - c.eps)
				}
				want -= target * math.Log(float64(y[i*k+class])) / float64(len(idx))
			}
		}
		cfg := Config{Epochs: 1, Batch: 10, Eta: 0.1, LabelSmoothing: c.eps, Teacher: teacher, TeacherWeight: c.alpha}
		tr, err := newClassifierTrainer(randomNet(t), set, cfg)
		if err != nil {
			t.Fatal(err)
		}
		if got := tr.Step(idx, 0.1); math.Abs(got-want) > 1e-5 {
			t.Errorf("ε %v, teacher weight %v: cost %v, want %v", c.eps, c.alpha, got, want)
		}
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
	tr, err := newClassifierTrainer(a, set, cfg)
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
		b.BackwardLabels(labels, 0, nil)
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

// TestLabelsCheckedAgainstTheNetwork: a label outside the network's
// classes, in any of the three sets, is found before training starts and
// reported with its file and index.
func TestLabelsCheckedAgainstTheNetwork(t *testing.T) {
	for _, which := range []string{"train", "validation", "test"} {
		d := &data.Splits{Train: synthetic(100, 1), Validation: synthetic(300, 2).Slice(100, 300), Test: synthetic(40, 3)}
		d.Validation.Source = "val-labels.idx"
		bad := map[string]*data.Set{"train": d.Train, "validation": d.Validation, "test": d.Test}[which]
		bad.Labels[7] = 2
		_, err := Run(context.Background(), smallNet(t, "fc:8 softmax:2", 10, 1), d, Config{Epochs: 1, Batch: 10, Eta: 0.1})
		var le *data.LabelError
		if !errors.As(err, &le) || le.Label != 2 || le.Classes != 2 || le.Index != 7+bad.First {
			t.Errorf("%s: error %v, want a *data.LabelError for label 2 at %d", which, err, 7+bad.First)
		}
		if which == "validation" && !strings.Contains(err.Error(), "val-labels.idx: example 107 has label 2") {
			t.Errorf("error %q does not name the file and the index", err)
		}
	}
}

// TestMemoryNeeded counts the network, one copy of the parameters for each
// of momentum (two for Adam's moments, one for RMSprop's mean square),
// averaging and the best epoch, and the inputs.
func TestMemoryNeeded(t *testing.T) {
	spec, _ := nn.ParseSpec("fc:10 softmax:2")
	plans, _ := nn.Plan(spec, nn.Shape{C: 1, H: 8, W: 8})
	const params = 64*10 + 10 + 10*2 + 2
	net := nn.MemoryOf(plans, 100).Total()
	for _, c := range []struct {
		cfg    Config
		copies int64
	}{
		{Config{Batch: 10}, 0},
		{Config{Batch: 10, Momentum: 0.9, Average: 3, KeepBest: true}, 3},
		{Config{Batch: 10, Optimizer: "adam"}, 2},
		{Config{Batch: 10, Optimizer: "rmsprop", KeepBest: true}, 2},
	} {
		if got, want := MemoryNeeded(plans, 100, c.cfg), net+4*c.copies*params+4*64*110; got != want {
			t.Errorf("%+v: %d bytes, want %d", c.cfg, got, want)
		}
	}
}
