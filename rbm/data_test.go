package rbm

import (
	"math"
	"testing"

	"github.com/deepnet-go/deepnet/train"
)

// TestBinarization: Fixed draws each example's states once (the same
// every epoch, whatever the mini-batch, and Binarize's), PerEpoch afresh
// every epoch; both are binary, drawn with the pixels' probabilities, and
// functions of the seed.
func TestBinarization(t *testing.T) {
	s := syntheticSplits(400)
	d := Images{s.Train}
	step := func(b Binarization, epoch int, idx []int, seed uint64) []float32 {
		r, _ := New(Config{Visible: 64, Hidden: 8})
		o, err := NewCD(r, ImageSets(s), CDConfig{Binarize: b}, train.Config{Batch: len(idx), Seed: seed})
		if err != nil {
			t.Fatal(err)
		}
		o.StartEpoch(epoch)
		o.Step(idx, nil)
		return append([]float32(nil), o.v0[:len(idx)*64]...)
	}
	fixed0 := step(Fixed, 0, []int{3, 7, 11}, 1)
	fixed5 := step(Fixed, 5, []int{11, 3}, 1)
	sameBits(t, "example 3, epoch 5", fixed0[:64], fixed5[64:])
	sameBits(t, "example 11, epoch 5", fixed0[128:], fixed5[:64])
	sameBits(t, "Binarize", fixed0[:64], Binarize(d, 1).X[3*64:4*64])
	if e0, e1 := step(PerEpoch, 0, []int{3}, 1), step(PerEpoch, 1, []int{3}, 1); equal(e0, e1) {
		t.Error("PerEpoch: the same states in epochs 0 and 1")
	}
	if equal(step(Fixed, 0, []int{3}, 1), step(Fixed, 0, []int{3}, 2)) {
		t.Error("Fixed: the same states from seeds 1 and 2")
	}
	probs := step(Probabilities, 0, []int{3}, 1)
	want := make([]float32, 64)
	d.Rows(want, []int{3})
	sameBits(t, "Probabilities", want, probs)

	// Over the whole set the states are on as often as the probabilities
	// say.
	b := Binarize(d, 4)
	var on, p float64
	x := make([]float32, 64)
	for i := range d.Len() {
		d.Rows(x, []int{i})
		for j, v := range b.X[i*64 : (i+1)*64] {
			if v != 0 && v != 1 {
				t.Fatalf("state %v", v)
			}
			on += float64(v)
			p += float64(x[j])
		}
	}
	if math.Abs(on-p) > 4*math.Sqrt(p) {
		t.Errorf("%v states on, expected %v", on, p)
	}
	for _, name := range []string{"probabilities", "fixed", "epoch"} {
		if b, err := ParseBinarization(name); err != nil || b.String() != name {
			t.Errorf("%q: %v, %v", name, b, err)
		}
	}
	if _, err := ParseBinarization("threshold"); err == nil {
		t.Error("threshold: no error")
	}
}

func equal(a, b []float32) bool {
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// TestLabelled: a Labelled vector is the vector, then its label one-hot.
func TestLabelled(t *testing.T) {
	x := &Matrix{X: []float32{1, 2, 3, 4, 5, 6}, N: 3, D: 2}
	l := Labelled{X: x, Labels: []uint8{2, 0, 1}, Classes: 3}
	dst := make([]float32, 2*5)
	l.Rows(dst, []int{2, 0})
	sameBits(t, "rows", []float32{5, 6, 0, 1, 0, 1, 2, 0, 0, 1}, dst)
	if l.Len() != 3 || l.Dim() != 5 {
		t.Errorf("%d vectors of %d", l.Len(), l.Dim())
	}
}

// TestRecipeIsHintons: a step of train's SGD with Recipe's settings is
// Hinton's update, Δ ← μΔ + ε((pos − neg)/n − weightcost·W), W ← W + Δ,
// for the weights (the biases without the weight cost), in the first
// epochs (μ 0.5) and after (0.9).
func TestRecipeIsHintons(t *testing.T) {
	for _, examples := range []int{50000, 60000, 3000, 12345} {
		tc, cd := Recipe(examples)
		if cd.K != 1 || tc.Batch != 100 || tc.Eta != 0.1 || tc.Epochs != 50 {
			t.Fatalf("recipe %+v %+v", tc, cd)
		}
		if float32(tc.Lambda/float64(examples/tc.Batch)) != float32(HintonWeightCost) {
			t.Errorf("%d examples: λ/B = %v, want the weight cost %v", examples, tc.Lambda/float64(examples/tc.Batch), HintonWeightCost)
		}
		for e, mu := range []float64{0.5, 0.5, 0.5, 0.5, 0.5, 0.9, 0.9} {
			if got := tc.MomentumSchedule.Momentum(e, tc.Epochs); got != mu {
				t.Errorf("epoch %d: momentum %v, want %v", e+1, got, mu)
			}
		}
	}
	tc, _ := Recipe(50000)
	r := randomRBM(t, Config{Visible: 3, Hidden: 2}, 0.3)
	opt, err := train.NewOptimizer(tc, r.Params(), 500)
	if err != nil {
		t.Fatal(err)
	}
	inc := make([][]float64, 3)
	for k, p := range r.Params() {
		inc[k] = make([]float64, p.Value.Len())
	}
	for step := range 3 {
		for k, p := range r.Params() {
			for i := range p.Grad.Data {
				p.Grad.Data[i] = float32(0.1*float64(i+k) - 0.2) // −(pos − neg)/n
			}
			for i, w := range p.Value.Data {
				wc := 0.0
				if p.Decay {
					wc = HintonWeightCost
				}
				inc[k][i] = 0.5*inc[k][i] + 0.1*(-float64(p.Grad.Data[i])-wc*float64(w))
			}
		}
		want := make([][]float64, 3)
		for k, p := range r.Params() {
			for i, w := range p.Value.Data {
				want[k] = append(want[k], float64(w)+inc[k][i])
			}
		}
		opt.Step(r.Params(), tc.Eta)
		for k, p := range r.Params() {
			for i, w := range p.Value.Data {
				if math.Abs(float64(w)-want[k][i]) > 1e-7 {
					t.Fatalf("step %d: %s[%d] = %v, Hinton's update gives %v", step, p.Name, i, w, want[k][i])
				}
			}
		}
	}
}
