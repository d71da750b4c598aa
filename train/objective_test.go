package train

import (
	"context"
	"errors"
	"math"
	"path/filepath"
	"testing"

	"github.com/deepnet-go/deepnet/data"
	"github.com/deepnet-go/deepnet/model"
	"github.com/deepnet-go/deepnet/nn"
)

// reconstruction is an Objective written here, outside the loop, as a
// new kind of training would be: an autoencoder whose network maps an
// image to its reconstruction (an output that is not a classifier), with
// the cost ½·mean squared error and the score minus the mean squared
// error per pixel. Fit's records, selection, averaging, checkpoints and
// resumption work for it unchanged.
type reconstruction struct {
	net              *nn.Network
	train, val, test *data.Set
	x, gy            []float32
	batch            int
}

func newReconstruction(net *nn.Network, d *data.Splits, batch int) *reconstruction {
	size := net.In.Size()
	return &reconstruction{net: net, train: d.Train, val: d.Validation, test: d.Test, batch: batch,
		x: make([]float32, batch*size), gy: make([]float32, batch*size)}
}

func (r *reconstruction) Params() []*nn.Param { return r.net.Params() }
func (r *reconstruction) Examples() int       { return r.train.N }
func (r *reconstruction) MaxBatch() int       { return r.batch }
func (r *reconstruction) StartEpoch(int)      {}
func (r *reconstruction) Recalibrate()        {}

func (r *reconstruction) Encode(info model.Info) (*model.File, error) {
	return EncodeNetwork(r.net, info)
}

func (r *reconstruction) Step(idx []int, update func([]*nn.Param)) float64 {
	n := len(idx)
	r.train.Batch(r.x, idx)
	y := r.net.Forward(r.x, n, true)
	var cost float64
	for i, v := range y {
		d := v - r.x[i]
		cost += 0.5 * float64(d) * float64(d)
		r.gy[i] = d / float32(n)
	}
	r.net.Backward(r.gy[:len(y)], update)
	return cost / float64(n)
}

func (r *reconstruction) Measure(bool) Score {
	return Score{Validation: -r.meanSquaredError(r.val), Test: -r.meanSquaredError(r.test)}
}

func (r *reconstruction) meanSquaredError(set *data.Set) float64 {
	var sum float64
	idx := make([]int, 1)
	for i := range set.N {
		idx[0] = i
		set.Batch(r.x, idx)
		for j, v := range r.net.Forward(r.x, 1, false) {
			d := float64(v - r.x[j])
			sum += d * d
		}
	}
	return sum / float64(set.N*set.Pixels())
}

// TestFitAnotherObjective trains the reconstruction objective with Fit,
// with every optimiser and weight averaging: the error falls; the best
// epoch is kept; a run stopped after two epochs and resumed from its
// checkpoint ends with the same weights and records as one that never
// stopped.
func TestFitAnotherObjective(t *testing.T) {
	for _, o := range optimizers {
		t.Run(o.name, func(t *testing.T) {
			cfg := Config{Epochs: 4, Batch: 10, Eta: 0.5, Seed: 2, KeepBest: true, Average: 2}
			o.set(&cfg)
			testFitAnotherObjective(t, cfg)
		})
	}
}

// testFitAnotherObjective is TestFitAnotherObjective with cfg, which
// averages 2 epochs.
func testFitAnotherObjective(t *testing.T, cfg Config) {
	d := &data.Splits{Train: synthetic(200, 1), Validation: synthetic(50, 2), Test: synthetic(50, 3)}
	const spec = "fc:16:sigmoid dropout:0.2 fc:64:sigmoid"
	whole := smallNet(t, spec, 10, 7)
	res, err := Fit(context.Background(), newReconstruction(whole, d, 10), cfg)
	if err != nil {
		t.Fatal(err)
	}
	first, last := res.Epochs[0], res.Epochs[len(res.Epochs)-1]
	if len(res.Epochs) != 5 || !last.Averaged || !(last.Validation > first.Validation) || first.Validation > -0.01 {
		t.Fatalf("records %+v: want 4 epochs and the averaged weights, the error falling", res.Epochs)
	}

	ckpt := filepath.Join(t.TempDir(), "ckpt.safetensors")
	ctx, cancel := context.WithCancel(context.Background())
	stopped := cfg
	stopped.Checkpoint = ckpt
	stopped.OnEpoch = func(e Epoch) {
		if e.Epoch == 1 {
			cancel()
		}
	}
	if _, err := Fit(ctx, newReconstruction(smallNet(t, spec, 10, 7), d, 10), stopped); !errors.Is(err, context.Canceled) {
		t.Fatalf("the interrupted run: error %v", err)
	}
	net, _, st, err := ReadCheckpoint(ckpt, model.Options{MaxBatch: 10})
	if err != nil {
		t.Fatal(err)
	}
	if st.Next != 2 {
		t.Fatalf("checkpoint after epoch %d, want 2", st.Next)
	}
	resumed := cfg
	resumed.Resume = st
	res2, err := Fit(context.Background(), newReconstruction(net, d, 10), resumed)
	if err != nil {
		t.Fatal(err)
	}
	if len(res2.Epochs) != len(res.Epochs) || res2.BestEpoch != res.BestEpoch {
		t.Fatalf("resumed records %+v, uninterrupted %+v", res2.Epochs, res.Epochs)
	}
	// The epochs after the interruption too, whichever epoch is kept.
	for i, e := range res.Epochs {
		if g := res2.Epochs[i]; g.Validation != e.Validation || g.Cost != e.Cost {
			t.Fatalf("resumed %s: validation %v, cost %v; uninterrupted %v, %v", e.Name(), g.Validation, g.Cost, e.Validation, e.Cost)
		}
	}
	for i, p := range whole.Params() {
		for j, v := range p.Value.Data {
			if w := net.Params()[i].Value.Data[j]; math.Float32bits(v) != math.Float32bits(w) {
				t.Fatalf("%s[%d]: resumed %v, uninterrupted %v", p.Name, j, w, v)
			}
		}
	}
}
