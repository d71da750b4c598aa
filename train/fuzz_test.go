package train

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/deepnet-go/deepnet/data"
	"github.com/deepnet-go/deepnet/model"
)

// FuzzReadCheckpoint feeds arbitrary bytes to the checkpoint reader: it
// must not panic, and a checkpoint it accepts must resume (or be refused
// with an error) without panicking. The seed is the checkpoint of a small
// run with dropout, momentum and weight averaging.
func FuzzReadCheckpoint(f *testing.F) {
	d := &data.Splits{Train: synthetic(40, 1), Validation: synthetic(20, 2), Test: synthetic(20, 3)}
	cfg := Config{Epochs: 3, Batch: 10, Eta: 0.1, Momentum: 0.5, Average: 2, Seed: 1, KeepBest: true}
	path := filepath.Join(f.TempDir(), "ckpt.safetensors")
	first := cfg
	first.Epochs, first.Checkpoint = 2, path
	first.Average = 0
	if _, err := Run(context.Background(), smallNet(f, "conv:2x3x3 relu dropout:0.3 fc:4 batchnorm softmax:2", 10, 1), d, first); err != nil {
		f.Fatal(err)
	}
	raw, err := os.ReadFile(path)
	if err != nil {
		f.Fatal(err)
	}
	f.Add(raw)
	f.Fuzz(func(t *testing.T, raw []byte) {
		file, err := model.Read(bytes.NewReader(raw), int64(len(raw)))
		if err != nil {
			return
		}
		net, _, st, err := DecodeCheckpoint(file, model.Options{MaxBatch: 10, MaxMemory: 16 << 20})
		if err != nil {
			return
		}
		if net.In.Size() != d.Train.Pixels() || net.Classes() != 2 {
			return
		}
		resumed := cfg
		resumed.Epochs, resumed.Resume = min(max(st.Next, 3), 5), st
		Run(context.Background(), net, d, resumed) // an error is fine, a panic is not
	})
}
