package train

import (
	"context"
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
// momentum, dropout, augmentation and best-epoch weights included.
func TestResumeGivesTheSameWeights(t *testing.T) {
	d := &data.Splits{Train: synthetic(300, 1), Validation: synthetic(60, 2), Test: synthetic(60, 3)}
	spec := "conv:4x3x3 batchnorm maxpool:2 relu dropout:0.3 fc:16:relu softmax:2"
	cfg := Config{Epochs: 4, Batch: 10, Eta: 0.05, Lambda: 0.1, Momentum: 0.9, Seed: 5, KeepBest: true,
		Augment: augment.Config{MaxShift: 1}, Info: model.Info{Preset: "test"}}

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
	for i, p := range whole.Params() {
		for j, v := range p.Value.Data {
			if q := net.Params()[i].Value.Data[j]; q != v {
				t.Fatalf("%s[%d]: resumed %v, uninterrupted %v", p.Name, j, q, v)
			}
		}
	}
	// The checkpoint is a model file too.
	if _, _, err := model.LoadWith(path, model.Options{IgnoreExtra: true}); err != nil {
		t.Fatal(err)
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
