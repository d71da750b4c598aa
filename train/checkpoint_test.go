package train

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/deepnet-go/deepnet/data"
	"github.com/deepnet-go/deepnet/data/augment"
	"github.com/deepnet-go/deepnet/model"
)

// TestResumeGivesTheSameWeights stops a run after two epochs (as a crash
// would, leaving the checkpoint of the last finished epoch), resumes it from
// the checkpoint, and compares with a run that was never interrupted:
// the optimiser's state (momentum's velocity, Adam's moments and step
// counts, RMSprop's mean squares), dropout, augmentation and best-epoch
// weights included; for every optimiser, with gradient clipping and
// without.
func TestResumeGivesTheSameWeights(t *testing.T) {
	for _, o := range optimizers {
		for _, clip := range []float64{0, 1} {
			t.Run(fmt.Sprintf("%s/clip%g", o.name, clip), func(t *testing.T) {
				cfg := Config{Epochs: 4, Batch: 10, Eta: 0.05, Lambda: 0.1, Seed: 5, KeepBest: true, ClipNorm: clip,
					Augment: augment.Config{MaxShift: 1}, Info: model.Info{Preset: "test"}}
				o.set(&cfg)
				testResume(t, cfg)
			})
		}
	}
}

func testResume(t *testing.T, cfg Config) {
	d := &data.Splits{Train: synthetic(300, 1), Validation: synthetic(60, 2), Test: synthetic(60, 3)}
	spec := "conv:4x3x3 batchnorm maxpool:2 relu dropout:0.3 fc:16:relu softmax:2"
	whole := smallNet(t, spec, 10, 5)
	want, err := Run(context.Background(), whole, d, cfg)
	if err != nil {
		t.Fatal(err)
	}

	path := filepath.Join(t.TempDir(), "ck.safetensors")
	first := cfg
	first.Epochs, first.Checkpoint = 2, path
	part := smallNet(t, spec, 10, 5)
	if _, err := Run(context.Background(), part, d, first); err != nil {
		t.Fatal(err)
	}
	net, info, st, err := ReadCheckpoint(path, model.Options{MaxBatch: 10})
	if err != nil {
		t.Fatal(err)
	}
	if st.Next != 2 || len(st.Result.Epochs) != 2 || info.Preset != "test" {
		t.Fatalf("checkpoint: next %d, %d records, info %+v", st.Next, len(st.Result.Epochs), info)
	}
	rest := cfg
	rest.Resume, rest.Checkpoint = st, path
	got, err := Run(context.Background(), net, d, rest)
	if err != nil {
		t.Fatal(err)
	}
	if len(got.Epochs) != 4 || got.BestEpoch != want.BestEpoch || got.TestAtBest != want.TestAtBest {
		t.Fatalf("resumed result %+v, uninterrupted %+v", got, want)
	}
	sameWeights(t, "resumed", net.Params(), whole.Params())
	// The checkpoint is a model file too.
	if _, _, err := model.LoadWith(path, model.Options{IgnoreExtra: true}); err != nil {
		t.Fatal(err)
	}
}

// TestResumeKeepsTheOptimizer: a checkpoint resumes only with the
// optimiser that made it, and with momentum only if it had momentum; a
// checkpoint written before optimisers had names is SGD's.
func TestResumeKeepsTheOptimizer(t *testing.T) {
	d := &data.Splits{Train: synthetic(200, 1), Validation: synthetic(40, 2), Test: synthetic(40, 3)}
	spec := "fc:8:relu softmax:2"
	checkpoint := func(set func(*Config)) string {
		cfg := Config{Epochs: 1, Batch: 10, Eta: 0.05, Seed: 5, Checkpoint: filepath.Join(t.TempDir(), "ck.safetensors")}
		set(&cfg)
		if _, err := Run(context.Background(), smallNet(t, spec, 10, 5), d, cfg); err != nil {
			t.Fatal(err)
		}
		return cfg.Checkpoint
	}
	made := map[string]string{}
	for _, o := range optimizers {
		made[o.name] = checkpoint(o.set)
	}
	resume := func(path string, set func(*Config)) error {
		net, _, st, err := ReadCheckpoint(path, model.Options{MaxBatch: 10})
		if err != nil {
			t.Fatal(err)
		}
		cfg := Config{Epochs: 2, Batch: 10, Eta: 0.05, Seed: 5, Resume: st}
		set(&cfg)
		_, err = Run(context.Background(), net, d, cfg)
		return err
	}
	for _, from := range optimizers {
		for _, to := range optimizers {
			err := resume(made[from.name], to.set)
			var want string
			switch {
			case from.name == to.name, from.name == "momentum" && to.name == "nesterov", from.name == "nesterov" && to.name == "momentum":
				want = ""
			case from.name == "adam" || to.name == "adam" || from.name == "rmsprop" || to.name == "rmsprop":
				want = "the checkpoint was trained with "
			case from.name == "sgd":
				want = "was it trained without momentum?"
			default:
				want = "has momentum for 0.weight but the run has none"
			}
			if want == "" && err != nil || want != "" && (err == nil || !strings.Contains(err.Error(), want)) {
				t.Errorf("%s resumed with %s: error %v, want %q", from.name, to.name, err, want)
			}
		}
	}
	if err := resume(made["adam"], func(c *Config) {}); err == nil || !strings.Contains(err.Error(), "the checkpoint was trained with adam, this run would continue with sgd") {
		t.Errorf("adam resumed with sgd: %v", err)
	}
	// A checkpoint of SGD from before optimisers had names.
	f, err := model.ReadFile(made["momentum"])
	if err != nil {
		t.Fatal(err)
	}
	delete(f.Metadata, ckptOptimizer)
	old := filepath.Join(t.TempDir(), "old.safetensors")
	if err := model.WriteFileAtomic(old, f); err != nil {
		t.Fatal(err)
	}
	if err := resume(old, func(c *Config) { c.Momentum = 0.9 }); err != nil {
		t.Errorf("an old checkpoint resumed with momentum: %v", err)
	}
	if err := resume(old, func(c *Config) { c.Optimizer = "adam" }); err == nil || !strings.Contains(err.Error(), "trained with sgd") {
		t.Errorf("an old checkpoint resumed with adam: %v", err)
	}
}

// TestResumeKeepsTheRules: a run resumed with other test-time views or
// another selection window would choose among records measured by
// different rules; Run refuses it and says which flags to keep.
func TestResumeKeepsTheRules(t *testing.T) {
	d := &data.Splits{Train: synthetic(200, 1), Validation: synthetic(40, 2), Test: synthetic(40, 3)}
	spec := "conv:4x3x3 maxpool:2 relu fc:8:relu softmax:2"
	views := []augment.View{{}, {DX: 1}}
	cfg := Config{Epochs: 4, Batch: 10, Eta: 0.05, Seed: 5, KeepBest: true, Views: views}
	// Two runs stopped after 2 of 4 epochs, with the views and without.
	checkpoints := map[bool]string{}
	for _, viewed := range []bool{true, false} {
		first := cfg
		first.Epochs, first.Checkpoint = 2, filepath.Join(t.TempDir(), "ck.safetensors")
		if !viewed {
			first.Views = nil
		}
		if _, err := Run(context.Background(), smallNet(t, spec, 10, 5), d, first); err != nil {
			t.Fatal(err)
		}
		checkpoints[viewed] = first.Checkpoint
	}
	for _, c := range []struct {
		name   string
		viewed bool // the first half was measured through the views
		change func(*Config)
		want   string // in the error; "" for none
	}{
		{"same flags", true, func(*Config) {}, ""},
		{"no views", true, func(c *Config) { c.Views = nil }, "epoch 1 through 2 views, this run would measure it on the images as they are"},
		{"three views", true, func(c *Config) { c.Views = append(views, augment.View{DY: 1}) }, "through 3 views"},
		{"views added", false, func(*Config) {}, "this run would measure it through 2 views"},
		{"select last 1", true, func(c *Config) { c.SelectLast = 1 }, "keep the views, the epochs selected among"},
		{"select last 2 without views", false, func(c *Config) { c.SelectLast, c.Views = 2, nil }, "best so far, epoch "},
	} {
		net, _, st, err := ReadCheckpoint(checkpoints[c.viewed], model.Options{MaxBatch: 10})
		if err != nil {
			t.Fatal(err)
		}
		rest := cfg
		c.change(&rest)
		rest.Resume = st
		_, err = Run(context.Background(), net, d, rest)
		switch {
		case c.want == "" && err != nil:
			t.Errorf("%s: %v", c.name, err)
		case c.want != "" && (err == nil || !strings.Contains(err.Error(), c.want)):
			t.Errorf("%s: error %v, want one containing %q", c.name, err, c.want)
		}
	}
}
