package train

import (
	"context"
	"encoding/json"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/deepnet-go/deepnet/data"
	"github.com/deepnet-go/deepnet/data/augment"
	"github.com/deepnet-go/deepnet/model"
)

// TestFinalModel: with Config.Final there is no validation set and no
// selection: the result is the last record (the averaged weights here),
// the parameters end as those, and the records hold no validation score.
func TestFinalModel(t *testing.T) {
	d := &data.Splits{Train: synthetic(100, 1), Test: synthetic(40, 3)}
	final, plain := smallNet(t, freezeSpec, 10, 1), smallNet(t, freezeSpec, 10, 1)
	cfg := Config{Epochs: 3, Batch: 10, Eta: 0.1, Average: 2, Seed: 1, KeepBest: true, Final: true}
	res, err := Run(context.Background(), final, d, cfg)
	if err != nil {
		t.Fatal(err)
	}
	best, _ := res.Best()
	if len(res.Epochs) != 4 || res.BestEpoch != 3 || !best.Averaged || res.TestAtBest != best.Test || best.Test == 0 {
		t.Errorf("result %+v, want the averaged record (epoch 3) and its test accuracy", res)
	}
	cfg.Final, cfg.KeepBest = false, false
	if _, err := Run(context.Background(), plain, d, cfg); err != nil {
		t.Fatal(err)
	}
	for i, p := range final.Params() {
		if !slices.Equal(p.Value.Data, plain.Params()[i].Value.Data) {
			t.Errorf("%s: not the averaged weights", p.Name)
		}
	}
	b, _ := json.Marshal(res.Epochs[0])
	var back Epoch
	if err := json.Unmarshal(b, &back); err != nil || strings.Contains(string(b), "validation") || !back.NoValidation || !res.Epochs[0].NoValidation {
		t.Errorf("record %s (read back %+v, %v): want no validation score", b, back, err)
	}
	views, err := augment.ParseViews("shifts")
	if err != nil {
		t.Fatal(err)
	}
	cfg.Final, cfg.Views = true, views
	res, err = Run(context.Background(), smallNet(t, freezeSpec, 10, 1), d, cfg)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range res.Epochs {
		if want := map[bool]int{true: 5, false: 0}[e.Epoch >= 2]; e.Views != want {
			t.Errorf("%s measured through %d views, want %d (only the last epoch and the averaged weights)", e.Name(), e.Views, want)
		}
	}
	cfg.Views, cfg.Patience = nil, 2
	if _, err := Run(context.Background(), smallNet(t, freezeSpec, 10, 1), d, cfg); err == nil {
		t.Error("a final model with early stopping: no error")
	}
}

// TestResumeFinalModel: a final model stopped after two epochs and resumed
// ends with the weights of the run left alone; a final model's checkpoint
// does not resume as a run with validation.
func TestResumeFinalModel(t *testing.T) {
	cfg := Config{Epochs: 4, Batch: 10, Eta: 0.05, Lambda: 0.1, Momentum: 0.9, Seed: 5, Final: true, Info: model.Info{Preset: "test"}}
	testResume(t, cfg)
	d := &data.Splits{Train: synthetic(100, 1), Validation: synthetic(20, 2), Test: synthetic(20, 3)}
	path := filepath.Join(t.TempDir(), "ck.safetensors")
	first := cfg
	first.Epochs, first.Checkpoint = 2, path
	if _, err := Run(context.Background(), smallNet(t, freezeSpec, 10, 1), d, first); err != nil {
		t.Fatal(err)
	}
	net, _, st, err := ReadCheckpoint(path, model.Options{MaxBatch: 10})
	if err != nil {
		t.Fatal(err)
	}
	rest := cfg
	rest.Final, rest.Resume = false, st
	if _, err := Run(context.Background(), net, d, rest); err == nil || !strings.Contains(err.Error(), "without validation") {
		t.Errorf("a final model resumed with validation: %v", err)
	}
}
