package ensemble

import (
	"math"
	"testing"

	"github.com/deepnet-go/deepnet/data"
	"github.com/deepnet-go/deepnet/data/augment"
	"github.com/deepnet-go/deepnet/nn"
)

func TestCombine(t *testing.T) {
	votes, sums := make([]int, 3), make([]float64, 3)
	probs := [][]float32{
		{0.6, 0.4, 0}, // votes 0
		{0.6, 0.4, 0}, // votes 0
		{0, 0.1, 0.9}, // votes 2
	}
	if c := Combine(Vote, probs, votes, sums); c != 0 {
		t.Errorf("vote: %d, want 0 (two votes)", c)
	}
	// Sums: 1.2, 0.9, 0.9 → average also picks 0; make the average differ:
	probs[2] = []float32{0, 0.01, 0.99}
	probs[0] = []float32{0.34, 0.33, 0.33}
	probs[1] = []float32{0.34, 0.33, 0.33}
	if c := Combine(Vote, probs, votes, sums); c != 0 {
		t.Errorf("vote: %d, want 0", c)
	}
	if c := Combine(Average, probs, votes, sums); c != 2 {
		t.Errorf("average: %d, want 2 (sum 1.65)", c)
	}
	// A tie in votes goes to the larger summed probability.
	tie := [][]float32{{0.9, 0.1, 0}, {0.45, 0.55, 0}}
	if c := Combine(Vote, tie, votes, sums); c != 0 {
		t.Errorf("tie: %d, want 0 (sum 1.35 > 0.65)", c)
	}
	tie = [][]float32{{0.5, 0.1, 0.4}, {0, 0.9, 0.1}}
	if c := Combine(Vote, tie, votes, sums); c != 1 {
		t.Errorf("tie: %d, want 1 (sum 1.0 > 0.5)", c)
	}
}

// testMembers returns three small networks of 2×2 inputs and 3 classes, and
// five examples: two batches of the networks' MaxBatch 4.
func testMembers(t *testing.T) ([]*nn.Network, *data.Set) {
	spec, _ := nn.ParseSpec("fc:8:relu softmax:3")
	var members []*nn.Network
	for seed := uint64(1); seed <= 3; seed++ {
		net, err := nn.New(nn.Config{Spec: spec, In: nn.Shape{C: 1, H: 2, W: 2}, MaxBatch: 4, Seed: seed})
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range net.Params() { // the softmax layer starts at zero: give it weights
			for i := range p.Value.Data {
				p.Value.Data[i] += float32((i*7+int(seed)*3)%11-5) / 5
			}
		}
		members = append(members, net)
	}
	set := &data.Set{Images: []uint8{0, 50, 100, 150, 200, 250, 0, 10, 255, 255, 0, 0, 30, 60, 90, 120, 9, 8, 7, 6},
		Labels: []uint8{0, 1, 2, 0, 1}, N: 5, Rows: 2, Cols: 2}
	return members, set
}

func TestEvaluateMatchesMembers(t *testing.T) {
	members, set := testMembers(t)
	e, err := New(members, Vote)
	if err != nil {
		t.Fatal(err)
	}
	ev := e.Evaluate(set)
	// Recompute by hand, one example at a time.
	x := make([]float32, 4)
	votes, sums := make([]int, 3), make([]float64, 3)
	right := map[Method]int{}
	for i := 0; i < set.N; i++ {
		set.Batch(x, []int{i})
		var probs [][]float32
		for _, m := range members {
			probs = append(probs, append([]float32(nil), m.Forward(x, 1, false)...))
		}
		if c := Combine(Vote, probs, votes, sums); c != ev.Predicted[i] {
			t.Fatalf("example %d: ensemble says %d, by hand %d", i, ev.Predicted[i], c)
		}
		for _, method := range Methods {
			if Combine(method, probs, votes, sums) == int(set.Labels[i]) {
				right[method]++
			}
		}
	}
	for _, method := range Methods {
		if want := float64(right[method]) / float64(set.N); ev.ByMethod[method] != want {
			t.Errorf("%s: accuracy %v, by hand %v", method, ev.ByMethod[method], want)
		}
	}
	if right[Vote] == right[Average] {
		t.Errorf("the test examples do not tell the methods apart (%d right each)", right[Vote])
	}
	if ev.Ensemble != ev.ByMethod[Vote] {
		t.Errorf("Ensemble %v is not the vote's accuracy %v", ev.Ensemble, ev.ByMethod[Vote])
	}
	if len(ev.Members) != 3 {
		t.Fatal(ev.Members)
	}
	if _, err := New(nil, Vote); err == nil {
		t.Fatal("empty ensemble accepted")
	}
	if _, err := ParseMethod("median"); err == nil {
		t.Fatal("bad method accepted")
	}
}

func TestProbabilitiesAreTheMembersMean(t *testing.T) {
	members, set := testMembers(t)
	e, err := New(members, Average)
	if err != nil {
		t.Fatal(err)
	}
	got := e.Probabilities(set)
	if len(got) != set.N*3 {
		t.Fatalf("%d probabilities, want %d", len(got), set.N*3)
	}
	x := make([]float32, 4)
	for i := 0; i < set.N; i++ {
		set.Batch(x, []int{i})
		for c := range 3 {
			var want float64
			for _, m := range members {
				want += float64(m.Forward(x, 1, false)[c]) / 3
			}
			if math.Abs(float64(got[i*3+c])-want) > 1e-6 {
				t.Fatalf("example %d class %d: %v, want %v", i, c, got[i*3+c], want)
			}
		}
	}
}

func TestChoose(t *testing.T) {
	for _, c := range []struct {
		vote, average float64
		want          Method
	}{
		{0.9973, 0.9972, Vote},
		{0.9972, 0.9974, Average},
		{0.9973, 0.9973, Vote}, // a tie goes to the book's method
	} {
		ev := &Evaluation{ByMethod: map[Method]float64{Vote: c.vote, Average: c.average}}
		if got := Choose(ev); got != c.want {
			t.Errorf("vote %v, average %v: chose %s, want %s", c.vote, c.average, got, c.want)
		}
	}
}

func TestViewsAverageEachMemberOverTheViews(t *testing.T) {
	members, set := testMembers(t)
	views := []augment.View{{}, {DX: 1}, {DY: 1, DX: -1}}
	e, err := New(members, Average)
	if err != nil {
		t.Fatal(err)
	}
	e.Views = views
	got := e.Probabilities(set)
	// By hand: the members' mean over each view's set, made in advance.
	want := make([]float64, set.N*3)
	x := make([]float32, 4)
	for _, v := range views {
		vs := set.Clone()
		for i := range set.N {
			v.Apply(vs.Image(i), set.Image(i), set.Rows, set.Cols)
		}
		for i := range set.N {
			vs.Batch(x, []int{i})
			for _, m := range members {
				for c, p := range m.Forward(x, 1, false)[:3] {
					want[i*3+c] += float64(p) / float64(len(members)*len(views))
				}
			}
		}
	}
	for i, w := range want {
		if math.Abs(float64(got[i])-w) > 1e-6 {
			t.Fatalf("example %d class %d: %v, want %v", i/3, i%3, got[i], w)
		}
	}
	// Evaluate counts a member right where its mean over the views is.
	ev := e.Evaluate(set)
	for j, m := range members {
		single, _ := New([]*nn.Network{m}, Average)
		single.Views = views
		if one := single.Evaluate(set); one.Ensemble != ev.Members[j] {
			t.Errorf("member %d: %v in the ensemble, %v alone", j+1, ev.Members[j], one.Ensemble)
		}
	}
}
