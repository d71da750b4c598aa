package train

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/deepnet-go/deepnet/data"
	"github.com/deepnet-go/deepnet/model"
)

// TestResumeGivesTheSameWeights stops a run after two epochs (as a crash
// would, leaving the checkpoint of the last finished epoch), resumes it from
// the checkpoint, and compares with a run that was never interrupted:
// momentum, dropout, augmentation and best-epoch weights included.
func TestResumeGivesTheSameWeights(t *testing.T) {
	d := &data.MNIST{Train: synthetic(300, 1), Validation: synthetic(60, 2), Test: synthetic(60, 3)}
	spec := "conv:4x3x3 batchnorm maxpool:2 relu dropout:0.3 fc:16:relu softmax:2"
	cfg := Config{Epochs: 4, Batch: 10, Eta: 0.05, Lambda: 0.1, Momentum: 0.9, Seed: 5, KeepBest: true,
		Augment: data.Augment{MaxShift: 1}, Info: model.Info{Preset: "test"}}

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
	net, info, st, err := ReadCheckpoint(path, 10)
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
