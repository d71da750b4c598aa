package train

import (
	"context"
	"errors"
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/deepnet-go/deepnet/data"
	"github.com/deepnet-go/deepnet/internal/f32"
	"github.com/deepnet-go/deepnet/internal/nettest"
	"github.com/deepnet-go/deepnet/nn"
)

// synthetic returns n 8×8 images of two classes: a bright left half (0) or
// a bright right half (1), with noise.
func synthetic(n int, seed uint64) *data.Set {
	rng := rand.New(rand.NewPCG(seed, 0))
	s := &data.Set{Images: make([]uint8, n*64), Labels: make([]uint8, n), N: n, Rows: 8, Cols: 8}
	for i := 0; i < n; i++ {
		lab := rng.IntN(2)
		s.Labels[i] = uint8(lab)
		for p := 0; p < 64; p++ {
			v := rng.IntN(80)
			if (p%8 < 4) == (lab == 0) {
				v += 150
			}
			s.Images[i*64+p] = uint8(v)
		}
	}
	return s
}

func smallNet(t testing.TB, spec string, batch int, seed uint64) *nn.Network {
	t.Helper()
	return nettest.New(t, spec, nn.Shape{C: 1, H: 8, W: 8}, batch, seed)
}

func TestTrainingLearnsAndIsDeterministic(t *testing.T) {
	d := &data.Splits{Train: synthetic(400, 1), Validation: synthetic(100, 2), Test: synthetic(100, 3)}
	cfg := Config{Epochs: 3, Batch: 10, Eta: 0.1, Lambda: 0.1, Seed: 4}
	run := func() (*Result, *nn.Network) {
		net := smallNet(t, "conv:4x3x3 maxpool:2 relu dropout:0.2 fc:16:relu softmax:2", 20, 4)
		res, err := Run(context.Background(), net, d, cfg)
		if err != nil {
			t.Fatal(err)
		}
		return res, net
	}
	r1, n1 := run()
	r2, n2 := run()
	if r1.TestAtBest < 0.95 {
		t.Errorf("test accuracy %.3f on an easy problem", r1.TestAtBest)
	}
	for i, p := range n1.Params() {
		for j, v := range p.Value.Data {
			if v != n2.Params()[i].Value.Data[j] {
				t.Fatalf("same seed, different weights at %s[%d]", p.Name, j)
			}
		}
	}
	e1, e2 := r1.Epochs[2], r2.Epochs[2]
	if e1.Cost != e2.Cost || e1.Validation != e2.Validation || e1.Test != e2.Test {
		t.Fatalf("same seed, different records: %+v vs %+v", r1.Epochs[2], r2.Epochs[2])
	}
}

func TestBestEpochTiesGoToTheLater(t *testing.T) {
	d := &data.Splits{Train: synthetic(200, 1), Validation: synthetic(50, 2), Test: synthetic(50, 3)}
	net := smallNet(t, "fc:8:relu softmax:2", 10, 1)
	res, err := Run(context.Background(), net, d, Config{Epochs: 4, Batch: 10, Eta: 0.05, Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	best := res.Epochs[0]
	for _, e := range res.Epochs {
		if e.Validation >= best.Validation {
			best = e
		}
	}
	if res.BestEpoch != best.Epoch || res.TestAtBest != best.Test {
		t.Fatalf("best epoch %d (test %v), want %d (%v)", res.BestEpoch, res.TestAtBest, best.Epoch, best.Test)
	}
}

// TestDivergenceStops: a cost that is no longer finite stops the run with
// a *DivergedError that says where, at what rate.
func TestDivergenceStops(t *testing.T) {
	d := &data.Splits{Train: synthetic(200, 1), Validation: synthetic(50, 2), Test: synthetic(50, 3)}
	net := smallNet(t, "fc:30:relu fc:30:relu softmax:2", 10, 1)
	_, err := Run(context.Background(), net, d, Config{Epochs: 3, Batch: 10, Eta: 1e6, Seed: 1})
	var de *DivergedError
	if !errors.Is(err, ErrDiverged) || !errors.As(err, &de) || de.Eta != 1e6 || de.Epoch != 0 || !math.IsNaN(de.Cost) && !math.IsInf(de.Cost, 0) {
		t.Fatalf("error %#v, want a *DivergedError in epoch 0 at η 1e6", err)
	}
	if strings.Contains(err.Error(), "--") {
		t.Errorf("the library names a flag: %v", err)
	}
}

func TestSchedules(t *testing.T) {
	s, err := ParseSchedule("step:10:0.5")
	if err != nil || s.Factor(9, 30) != 1 || s.Factor(10, 30) != 0.5 || s.Factor(25, 30) != 0.25 {
		t.Fatalf("step schedule %v %v", s, err)
	}
	c, _ := ParseSchedule("cosine")
	if f := c.Factor(0, 10); f < 0.97 || f > 1 {
		t.Fatalf("cosine first epoch %v", f)
	}
	if f := c.Factor(9, 10); f <= 0 || f > 0.03 {
		t.Fatalf("cosine last epoch %v", f)
	}
	for _, bad := range []string{"linear", "cosine:1:10", "cosine:-0.1:10", "cosine:0.2:-1", "cosine:0.2", "step:0:0.5"} {
		if _, err := ParseSchedule(bad); err == nil || !strings.Contains(err.Error(), "valid") {
			t.Errorf("bad schedule %q: %v", bad, err)
		}
	}
}

func TestCosineFloorHold(t *testing.T) {
	s, err := ParseSchedule("cosine:0.2:15")
	if err != nil || s.String() != "cosine:0.2:15" {
		t.Fatalf("%v %v", s, err)
	}
	plain := CosineSchedule{}
	for e := range 60 {
		f := s.Factor(e, 60)
		switch {
		case e < 45:
			// The plain cosine over 45 epochs, squeezed into [0.2, 1].
			if want := 0.2 + 0.8*plain.Factor(e, 45); math.Abs(f-want) > 1e-15 {
				t.Errorf("epoch %d: %v, want %v", e, f, want)
			}
		case f != 0.2:
			t.Errorf("held epoch %d: %v, want 0.2", e, f)
		}
	}
	if f := s.Factor(44, 60); f <= 0.2 || f > 0.21 {
		t.Errorf("last annealed epoch %v, want just above the floor", f)
	}
	// Floor 0 and no hold is the plain cosine, to the bit (the presets'
	// numbers depend on it).
	zero, _ := ParseSchedule("cosine:0:0")
	for e := range 60 {
		if zero.Factor(e, 60) != plain.Factor(e, 60) {
			t.Fatalf("cosine:0:0 differs from cosine at epoch %d", e)
		}
	}
}

func TestPresetsBuild(t *testing.T) {
	for _, p := range Presets {
		s, err := nn.ParseSpec(p.Spec)
		if err != nil {
			t.Fatalf("%s: %v", p.Name, err)
		}
		in := nn.Shape{C: 1, H: 28, W: 28}
		if p.Seq > 0 { // a character model reads windows of bytes
			in = nn.Shape{C: 1, H: 1, W: 1, Flat: true, T: p.Seq}
		}
		init, err := nn.ParseInit(p.Init)
		if err != nil {
			t.Fatalf("%s: %v", p.Name, err)
		}
		if _, err := nn.New(nn.Config{Spec: s, In: in, MaxBatch: 1, Init: init}); err != nil {
			t.Fatalf("%s: %v", p.Name, err)
		}
	}
	if _, err := LookupPreset("conv3"); err == nil || !strings.Contains(err.Error(), "conv1, conv2, dropout") {
		t.Fatalf("unknown preset: %v", err)
	}
}

// TestSameWeightsOnOneOrTwoCores: the kernels split work so that results do
// not depend on the number of workers. The relu preset's network at MNIST
// size, so that every kernel is large enough to run in parallel; with SGD
// and momentum, and with Adam and gradient clipping (whose norm is summed
// in an order of its own).
func TestSameWeightsOnOneOrTwoCores(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 1))
	set := data.NewSet(64, 28, 28)
	for i := range set.Images {
		set.Images[i] = uint8(rng.IntN(256))
	}
	for i := range set.Labels {
		set.Labels[i] = uint8(rng.IntN(10))
	}
	spec, _ := nn.ParseSpec("conv:20x5x5 maxpool:2 relu conv:40x5x5 maxpool:2 relu dropout:0.5 fc:100:relu softmax:10")
	defer f32.SetWorkers(f32.Workers())
	for _, cfg := range []Config{
		{Epochs: 1, Batch: 32, Eta: 0.05, Momentum: 0.5, Seed: 3},
		{Epochs: 1, Batch: 32, Eta: 0.001, Lambda: 0.1, Optimizer: "adam", ClipNorm: 0.5, Seed: 3},
	} {
		var nets []*nn.Network
		for _, w := range []int{1, 2, 3} {
			f32.SetWorkers(w)
			net, err := nn.New(nn.Config{Spec: spec, In: nn.Shape{C: 1, H: 28, W: 28}, MaxBatch: 32, Seed: 3})
			if err != nil {
				t.Fatal(err)
			}
			tr, err := newClassifierTrainer(net, set, cfg)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := tr.Epoch(context.Background(), 0); err != nil {
				t.Fatal(err)
			}
			nets = append(nets, net)
		}
		for _, other := range nets[1:] {
			sameWeights(t, cfg.Optimizer+" with more workers than one", other.Params(), nets[0].Params())
		}
	}
}

// TestEarlyStopping: with a learning rate too small to change any
// prediction, validation accuracy never improves after the first epoch, and
// Patience 2 ends the run after epoch 3.
func TestEarlyStopping(t *testing.T) {
	d := &data.Splits{Train: synthetic(100, 1), Validation: synthetic(40, 2), Test: synthetic(40, 3)}
	net := smallNet(t, "fc:8:relu softmax:2", 10, 1)
	res, err := Run(context.Background(), net, d, Config{Epochs: 20, Batch: 10, Eta: 1e-12, Seed: 1, Patience: 2})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Epochs) != 3 {
		t.Fatalf("ran %d epochs, want 3 (no improvement after the first, patience 2)", len(res.Epochs))
	}
	// Ties go to the later epoch for reporting, as network3.
	if res.BestEpoch != 2 {
		t.Fatalf("best epoch %d, want 2 (the last of three ties)", res.BestEpoch)
	}
}
