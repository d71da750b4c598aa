package train

import (
	"context"
	"encoding/json"
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
// the cost ½·mean squared error and the score the mean squared error per
// pixel (a Metric where lower is better). Fit's records, selection,
// averaging, checkpoints and resumption work for it unchanged.
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
	return Score{Validation: r.meanSquaredError(r.val), Test: r.meanSquaredError(r.test)}
}

func (r *reconstruction) Metric() Metric {
	return Metric{Name: "mean_squared_error", LowerIsBetter: true}
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
	if len(res.Epochs) != 5 || !last.Averaged || !(last.Validation < first.Validation) || first.Validation < 0.01 {
		t.Fatalf("records %+v: want 4 epochs and the averaged weights, the error falling", res.Epochs)
	}
	for _, e := range res.Epochs {
		if e.Metric != "mean_squared_error" || e.Validation < res.BestValidation {
			t.Fatalf("record %+v: want the metric named, and none better than the best, %v", e, res.BestValidation)
		}
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

// TestEpochJSON: an accuracy's record keeps its keys; another metric's is
// named, without a test score when there is none; both read back.
func TestEpochJSON(t *testing.T) {
	for _, c := range []struct {
		e    Epoch
		want string
	}{
		{Epoch{Epoch: 2, Validation: 0.98, Test: 0.97, Cost: 0.1, Eta: 0.03, Seconds: 5},
			`{"epoch":2,"validation_accuracy":0.98,"test_accuracy":0.97,"training_cost":0.1,"eta":0.03,"seconds":5}`},
		{Epoch{Epoch: 1, Validation: 1.9, Metric: "bits_per_char", NoTest: true, Cost: 1.4, Eta: 0.002, Seconds: 3},
			`{"epoch":1,"metric":"bits_per_char","validation":1.9,"training_cost":1.4,"eta":0.002,"seconds":3}`},
		{Epoch{Epoch: 0, Validation: 0.2, Test: 0.3, Metric: "mean_squared_error"},
			`{"epoch":0,"metric":"mean_squared_error","validation":0.2,"test":0.3,"training_cost":0,"eta":0,"seconds":0}`},
	} {
		b, err := json.Marshal(c.e)
		if err != nil || string(b) != c.want {
			t.Errorf("%+v: %s (%v), want %s", c.e, b, err, c.want)
		}
		var back Epoch
		if err := json.Unmarshal(b, &back); err != nil || back != c.e {
			t.Errorf("%s reads back as %+v (%v)", b, back, err)
		}
	}
}

// ordered is reconstruction visited in order.
type ordered struct {
	*reconstruction
	seen []int
}

func (o *ordered) InOrder() bool { return true }

func (o *ordered) Step(idx []int, update func([]*nn.Param)) float64 {
	o.seen = append(o.seen, idx...)
	return o.reconstruction.Step(idx, update)
}

// TestOrderedObjective: an Ordered objective sees its examples in order.
func TestOrderedObjective(t *testing.T) {
	d := &data.Splits{Train: synthetic(40, 1), Validation: synthetic(10, 2), Test: synthetic(10, 3)}
	o := &ordered{reconstruction: newReconstruction(smallNet(t, "fc:4:sigmoid fc:64:sigmoid", 10, 1), d, 10)}
	if _, err := Fit(context.Background(), o, Config{Epochs: 2, Batch: 10, Eta: 0.1, Seed: 3}); err != nil {
		t.Fatal(err)
	}
	for i, v := range o.seen {
		if v != i%40 {
			t.Fatalf("examples seen %v, want 0..39 twice", o.seen)
		}
	}
}
