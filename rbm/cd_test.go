package rbm

import (
	"context"
	"errors"
	"math"
	"path/filepath"
	"strings"
	"testing"

	"github.com/deepnet-go/deepnet/internal/f32"
	"github.com/deepnet-go/deepnet/nn"
	"github.com/deepnet-go/deepnet/train"
)

// reference64 computes, in float64, the gradient CD writes from the
// positive phase's vectors v0 and the negative phase's vectors vn (each
// with its hidden probabilities recomputed here), for n vectors.
func reference64(r *RBM, v0, vn []float32, n int) (gW, gb, gc []float64) {
	V, H := r.Visible, r.Hidden
	W, c := r.W.Value.Data, r.HBias.Value.Data
	gW, gb, gc = make([]float64, H*V), make([]float64, V), make([]float64, H)
	for k, sign := range []float64{-1, 1} {
		vs := [][]float32{v0, vn}[k]
		for e := range n {
			v := vs[e*V : (e+1)*V]
			for j := range H {
				a := float64(c[j])
				for i := range V {
					a += float64(W[j*V+i]) * float64(v[i])
				}
				p := sigmoid64(a)
				gc[j] += sign * p / float64(n)
				for i := range V {
					gW[j*V+i] += sign * p * float64(v[i]) / float64(n)
				}
			}
			for i := range V {
				gb[i] += sign * float64(v[i]) / float64(n)
			}
		}
	}
	return gW, gb, gc
}

// checkGradients compares r's gradients with the reference.
func checkGradients(t *testing.T, r *RBM, gW, gb, gc []float64) {
	t.Helper()
	for k, p := range r.Params() {
		want := [][]float64{gW, gb, gc}[k]
		for i, g := range p.Grad.Data {
			if math.Abs(float64(g)-want[i]) > 1e-6 {
				t.Fatalf("%s[%d]: gradient %v, float64 reference %v", p.Name, i, g, want[i])
			}
		}
	}
}

// TestCD1Statistics: a CD-1 step's hidden states are binary, its negative
// vectors are the visible probabilities given them, and its gradients and
// cost are those computed in float64 from the data and those states.
func TestCD1Statistics(t *testing.T) {
	r := randomRBM(t, Config{Visible: 6, Hidden: 4, Seed: 1}, 0.8)
	d := randomVectors(r, 5, 1)
	o, err := NewCD(r, Sets{Train: d, Validation: d}, CDConfig{K: 1}, train.Config{Batch: 5, Seed: 3})
	if err != nil {
		t.Fatal(err)
	}
	idx := []int{4, 0, 2, 1, 3}
	cost := o.Step(idx, nil)
	V, H, n := r.Visible, r.Hidden, len(idx)
	v0 := make([]float32, n*V)
	d.Rows(v0, idx)
	W, b := r.W.Value.Data, r.VBias.Value.Data
	pv := make([]float32, n*V)
	var wantCost float64
	for e := range n {
		for i := range V {
			a := float64(b[i])
			for j := range H {
				h := o.h[e*H+j]
				if h != 0 && h != 1 {
					t.Fatalf("hidden state %v", h)
				}
				a += float64(W[j*V+i]) * float64(h)
			}
			pv[e*V+i] = float32(sigmoid64(a))
			if math.Abs(float64(o.pv[e*V+i])-sigmoid64(a)) > 1e-6 {
				t.Fatalf("negative vector %d unit %d: %v, want %v", e, i, o.pv[e*V+i], sigmoid64(a))
			}
			wantCost += (float64(v0[e*V+i]) - sigmoid64(a)) * (float64(v0[e*V+i]) - sigmoid64(a)) / float64(n)
		}
	}
	if math.Abs(cost-wantCost) > 1e-5 {
		t.Errorf("cost %v, want %v", cost, wantCost)
	}
	gW, gb, gc := reference64(r, v0, pv, n)
	checkGradients(t, r, gW, gb, gc)
}

// TestPCDStatistics: a PCD-1 step moves the chains by one Gibbs sweep to
// new binary states, and its negative statistics are theirs.
func TestPCDStatistics(t *testing.T) {
	r := randomRBM(t, Config{Visible: 6, Hidden: 4, Seed: 2}, 0.8)
	d := randomVectors(r, 8, 2)
	o, err := NewCD(r, Sets{Train: d, Validation: d}, CDConfig{K: 1, Persistent: true}, train.Config{Batch: 4, Seed: 3})
	if err != nil {
		t.Fatal(err)
	}
	before := append([]float32(nil), o.chains...)
	idx := []int{5, 1, 7, 2}
	o.Step(idx, nil)
	changed := false
	for i, v := range o.chains {
		if v != 0 && v != 1 {
			t.Fatalf("chain state %v", v)
		}
		changed = changed || v != before[i]
	}
	if !changed {
		t.Error("the chains did not move")
	}
	v0 := make([]float32, len(idx)*r.Visible)
	d.Rows(v0, idx)
	gW, gb, gc := reference64(r, v0, o.chains, len(idx))
	checkGradients(t, r, gW, gb, gc)
}

// TestStepAllocs: a training step does not allocate, with CD-k, PCD and
// binarisation.
func TestStepAllocs(t *testing.T) {
	s := syntheticSplits(200)
	for _, cfg := range []CDConfig{{K: 1}, {K: 3, Binarize: PerEpoch}, {K: 2, Persistent: true, Binarize: Fixed}} {
		r, _ := New(Config{Visible: 64, Hidden: 300, Seed: 1})
		o, err := NewCD(r, ImageSets(s), cfg, train.Config{Batch: 50, Seed: 1})
		if err != nil {
			t.Fatal(err)
		}
		idx := make([]int, 50)
		for i := range idx {
			idx[i] = 2 * i
		}
		var updated int
		update := func(ps []*nn.Param) { updated += len(ps) }
		o.Step(idx, update)
		updated = 0 // AllocsPerRun calls once more than it counts: 11 steps of 3 parameters
		if a := testing.AllocsPerRun(10, func() { o.Step(idx, update) }); a != 0 || updated != 33 {
			t.Errorf("%s: %v allocations a step", cfg, a)
		}
	}
}

// trainSmall trains an RBM on synthetic data with cfg and returns it.
func trainSmall(t *testing.T, cd CDConfig, tc train.Config, resume *train.SavedState, r *RBM, stop int) (*RBM, *train.Result) {
	t.Helper()
	s := syntheticSplits(400)
	if r == nil {
		r, _ = New(Config{Visible: 64, Hidden: 40, Seed: 5})
	}
	o, err := NewCD(r, ImageSets(s), cd, tc)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	if stop >= 0 {
		tc.OnEpoch = func(e train.Epoch) {
			if e.Epoch == stop {
				cancel()
			}
		}
	}
	tc.Resume = resume
	res, err := train.Fit(ctx, o, tc)
	if err != nil && !(stop >= 0 && errors.Is(err, context.Canceled)) {
		t.Fatal(err)
	}
	return r, res
}

// recipe is a short run of Hinton's recipe on synthetic data.
func recipe(epochs int) train.Config {
	tc, _ := Recipe(400)
	tc.Epochs, tc.Batch = epochs, 20
	tc.Lambda = LambdaOf(HintonWeightCost, 400, 20)
	tc.MomentumSchedule = train.MomentumSwitch{Initial: 0.5, Epochs: 2, Final: 0.9}
	tc.Seed = 9
	return tc
}

// TestSameOnAnyWorkers: the same seed trains the same bits on 1, 2 and 3
// workers, with PCD-2 and binarisation drawn every epoch.
func TestSameOnAnyWorkers(t *testing.T) {
	defer f32.SetWorkers(f32.Workers())
	var want *RBM
	for _, w := range []int{1, 2, 3} {
		f32.SetWorkers(w)
		// Large enough for the products and the draws to be shared.
		r, _ := New(Config{Visible: 64, Hidden: 256, Seed: 5})
		tc := recipe(2)
		tc.Batch = 40
		trainSmall(t, CDConfig{K: 2, Persistent: true, Binarize: PerEpoch}, tc, nil, r, -1)
		if want == nil {
			want = r
			continue
		}
		for i, p := range want.Params() {
			sameBits(t, p.Name, p.Value.Data, r.Params()[i].Value.Data)
		}
	}
}

// TestResume: a PCD run stopped after an epoch and resumed from its
// checkpoint (chains and all) ends with the bits of one that never
// stopped, and records the same scores; a run with other CD settings
// cannot resume it.
func TestResume(t *testing.T) {
	cd := CDConfig{K: 1, Persistent: true, Binarize: PerEpoch}
	want, wantRes := trainSmall(t, cd, recipe(4), nil, nil, -1)
	for _, e := range wantRes.Epochs {
		if e.Metric != "pseudo_nll" || !(e.Validation > 0) || !(e.Test > 0) {
			t.Fatalf("record %+v", e)
		}
	}
	if first, last := wantRes.Epochs[0], wantRes.Epochs[3]; !(last.Validation < first.Validation) {
		t.Errorf("pseudo-likelihood did not improve: %v then %v", first.Validation, last.Validation)
	}
	ckpt := filepath.Join(t.TempDir(), "ckpt.safetensors")
	tc := recipe(4)
	tc.Checkpoint = ckpt
	trainSmall(t, cd, tc, nil, nil, 1)
	r, _, st, err := ReadCheckpoint(ckpt)
	if err != nil {
		t.Fatal(err)
	}
	got, res := trainSmall(t, cd, recipe(4), st, r, -1)
	for i, p := range want.Params() {
		sameBits(t, p.Name, p.Value.Data, got.Params()[i].Value.Data)
	}
	for i, e := range wantRes.Epochs {
		if g := res.Epochs[i]; g.Validation != e.Validation || g.Cost != e.Cost {
			t.Errorf("epoch %d resumed: %+v, uninterrupted %+v", i, g, e)
		}
	}

	r, _, st, _ = ReadCheckpoint(ckpt)
	o, _ := NewCD(r, ImageSets(syntheticSplits(400)), CDConfig{K: 1}, recipe(4))
	tc = recipe(4)
	tc.Resume = st
	if _, err := train.Fit(context.Background(), o, tc); err == nil || !strings.Contains(err.Error(), `trained with "pcd-1 epoch"`) {
		t.Errorf("CD resuming PCD: %v", err)
	}
}
