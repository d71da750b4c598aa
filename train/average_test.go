package train

import (
	"context"
	"errors"
	"math"
	"math/rand/v2"
	"path/filepath"
	"testing"

	"github.com/deepnet-go/deepnet/data"
	"github.com/deepnet-go/deepnet/model"
	"github.com/deepnet-go/deepnet/nn"
)

// TestAverageIsTheMeanOfTheLastEpochs checks that Config.Average leaves the
// network (without KeepBest) with the mean of the weights at the ends of
// the last epochs, and records them as one more candidate.
func TestAverageIsTheMeanOfTheLastEpochs(t *testing.T) {
	d := &data.Splits{Train: synthetic(200, 1), Validation: synthetic(60, 2), Test: synthetic(60, 3)}
	net := smallNet(t, "conv:4x3x3 maxpool:2 relu fc:16:relu softmax:2", 10, 5)
	cfg := Config{Epochs: 5, Batch: 10, Eta: 0.05, Momentum: 0.9, Seed: 5, Average: 3}
	var snaps [][][]float32
	cfg.OnEpoch = func(e Epoch) {
		if e.Averaged {
			return
		}
		snaps = append(snaps, weights(net))
	}
	res, err := Run(context.Background(), net, d, cfg)
	if err != nil {
		t.Fatal(err)
	}
	if n := len(res.Epochs); n != 6 || !res.Epochs[5].Averaged || res.Epochs[5].Epoch != 5 {
		t.Fatalf("records: %+v", res.Epochs)
	}
	if got, want := res.Epochs[5].Name(), "the mean of epochs 3-5"; got != want {
		t.Errorf("averaged record's name %q, want %q", got, want)
	}
	if got, want := (Epoch{Epoch: 5, Averaged: true, AveragedEpochs: 1}).Name(), "the averaged weights of epoch 5"; got != want {
		t.Errorf("one averaged epoch's name %q, want %q", got, want)
	}
	for i, p := range net.Params() {
		for j, v := range p.Value.Data {
			want := (float64(snaps[2][i][j]) + float64(snaps[3][i][j]) + float64(snaps[4][i][j])) / 3
			if math.Abs(float64(v)-want) > 1e-6*max(1, math.Abs(want)) {
				t.Fatalf("%s[%d] = %v, want the mean of the last 3 epochs %v", p.Name, j, v, want)
			}
		}
	}
}

// TestAverageAfterEarlyStopping: when Patience ends a run inside the
// averaging window, the averaged record follows the last epoch trained and
// names the epochs it is the mean of, not the ones the run would have had.
func TestAverageAfterEarlyStopping(t *testing.T) {
	d := &data.Splits{Train: synthetic(100, 1), Validation: synthetic(40, 2), Test: synthetic(40, 3)}
	net := smallNet(t, "fc:8:relu softmax:2", 10, 1)
	// Eta too small to change a prediction: no improvement after epoch 1,
	// so patience 2 stops after epoch 3, the second of the averaged 2-10.
	cfg := Config{Epochs: 10, Batch: 10, Eta: 1e-12, Seed: 1, Patience: 2, Average: 9}
	res, err := Run(context.Background(), net, d, cfg)
	if err != nil {
		t.Fatal(err)
	}
	if n := len(res.Epochs); n != 4 {
		t.Fatalf("%d records, want 3 epochs and the averaged weights: %+v", n, res.Epochs)
	}
	avg := res.Epochs[3]
	if !avg.Averaged || avg.Epoch != 3 || avg.AveragedEpochs != 2 {
		t.Fatalf("averaged record %+v, want epoch 3 (one past the last) averaging 2 epochs", avg)
	}
	if got, want := avg.Name(), "the mean of epochs 2-3"; got != want {
		t.Errorf("name %q, want %q", got, want)
	}
	if best, ok := res.Best(); !ok || best.Epoch != res.BestEpoch {
		t.Errorf("Best() = %+v, %v; BestEpoch %d", best, ok, res.BestEpoch)
	}
}

// TestAverageResumes stops a run with weight averaging inside the averaged
// epochs, resumes it from its checkpoint, and compares it with a run that
// was never interrupted.
func TestAverageResumes(t *testing.T) {
	d := &data.Splits{Train: synthetic(200, 1), Validation: synthetic(60, 2), Test: synthetic(60, 3)}
	const spec = "conv:4x3x3 batchnorm maxpool:2 relu dropout:0.2 fc:16:relu softmax:2"
	cfg := Config{Epochs: 4, Batch: 10, Eta: 0.05, Momentum: 0.9, Seed: 5, KeepBest: true, Average: 3}
	whole := smallNet(t, spec, 10, 5)
	want, err := Run(context.Background(), whole, d, cfg)
	if err != nil {
		t.Fatal(err)
	}

	path := filepath.Join(t.TempDir(), "ck.safetensors")
	ctx, cancel := context.WithCancel(context.Background())
	first := cfg
	first.Checkpoint = path
	first.OnEpoch = func(e Epoch) {
		if e.Epoch == 1 { // the first of the 3 averaged epochs (1-3) is done: "crash"
			cancel()
		}
	}
	if _, err := Run(ctx, smallNet(t, spec, 10, 5), d, first); !errors.Is(err, context.Canceled) {
		t.Fatalf("interrupted run: %v", err)
	}
	net, _, st, err := ReadCheckpoint(path, model.Options{MaxBatch: 10})
	if err != nil {
		t.Fatal(err)
	}
	rest := cfg
	rest.Resume = st
	got, err := Run(context.Background(), net, d, rest)
	if err != nil {
		t.Fatal(err)
	}
	g, w := got.Epochs[len(got.Epochs)-1], want.Epochs[4]
	if len(got.Epochs) != 5 || got.BestEpoch != want.BestEpoch || got.TestAtBest != want.TestAtBest ||
		!g.Averaged || g.Validation != w.Validation || g.Test != w.Test {
		t.Fatalf("resumed result %+v, uninterrupted %+v", got, want)
	}
	for i, p := range whole.Params() {
		for j, v := range p.Value.Data {
			if q := net.Params()[i].Value.Data[j]; q != v {
				t.Fatalf("%s[%d]: resumed %v, uninterrupted %v", p.Name, j, q, v)
			}
		}
	}
}

// TestSelectLast: with Config.SelectLast only the last epochs and the
// averaged weights are candidates for the best, and KeepBest leaves the
// network with the chosen candidate's weights.
func TestSelectLast(t *testing.T) {
	// Validation images of pure noise with random labels: its accuracy
	// wanders from epoch to epoch, so the best epoch overall can lie
	// outside the window.
	noise := synthetic(60, 2)
	rng := rand.New(rand.NewPCG(3, 0))
	for i := range noise.Images {
		noise.Images[i] = uint8(rng.IntN(230))
	}
	d := &data.Splits{Train: synthetic(100, 1), Validation: noise, Test: synthetic(40, 3)}
	run := func(selectLast int) (*Result, [][][]float32, [][]float32) {
		net := smallNet(t, "fc:8:relu softmax:2", 10, 3)
		cfg := Config{Epochs: 6, Batch: 10, Eta: 0.3, Seed: 3, Average: 2, KeepBest: true, SelectLast: selectLast}
		var snaps [][][]float32 // the weights each record was evaluated with
		cfg.OnEpoch = func(Epoch) { snaps = append(snaps, weights(net)) }
		res, err := Run(context.Background(), net, d, cfg)
		if err != nil {
			t.Fatal(err)
		}
		return res, snaps, weights(net)
	}
	all, _, _ := run(0)
	for _, e := range all.Epochs {
		t.Logf("%s: validation %.3f", e.Name(), e.Validation)
	}
	if all.BestEpoch >= 4 {
		t.Fatalf("precondition: over all epochs the best is %d, inside the window; pick another seed", all.BestEpoch)
	}
	last, snaps, final := run(2)
	want := last.Epochs[4]
	for _, e := range last.Epochs[5:] {
		if e.Validation >= want.Validation {
			want = e
		}
	}
	if last.BestEpoch != want.Epoch || last.TestAtBest != want.Test {
		t.Fatalf("best %d (test %v), want %d (%v) of the last 2 epochs and the mean", last.BestEpoch, last.TestAtBest, want.Epoch, want.Test)
	}
	for i := range final {
		for j, v := range final[i] {
			if v != snaps[want.Epoch][i][j] {
				t.Fatalf("the network does not hold the weights of %s", want.Name())
			}
		}
	}
	net := smallNet(t, "fc:8:relu softmax:2", 10, 3)
	if _, err := Run(context.Background(), net, d, Config{Epochs: 6, Batch: 10, Eta: 0.3, SelectLast: 2, Patience: 3}); err == nil {
		t.Error("SelectLast with Patience accepted")
	}
}

// weights returns a copy of net's parameters' values, in Params order.
func weights(net *nn.Network) [][]float32 {
	var w [][]float32
	for _, p := range net.Params() {
		w = append(w, append([]float32(nil), p.Value.Data...))
	}
	return w
}
