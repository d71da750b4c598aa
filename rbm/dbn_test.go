package rbm

import (
	"context"
	"errors"
	"fmt"
	"math"
	"strings"
	"testing"

	"github.com/deepnet-go/deepnet/nn"
	"github.com/deepnet-go/deepnet/train"
)

// smallDBN is a DBN on 8×8 images, its RBMs random.
func smallDBN(t *testing.T) *DBN {
	d, err := NewDBN(DBNConfig{Sizes: []int{64, 20, 24, 30}, Labels: 4, In: nn.Shape{C: 1, H: 8, W: 8}, Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	for i, r := range d.RBMs {
		d.RBMs[i] = randomRBM(t, r.Config, 0.5)
		for k, p := range d.RBMs[i].Params() {
			p.Name = r.Params()[k].Name
		}
	}
	return d
}

// TestNetwork: the network a DBN initialises computes, layer by layer,
// the up pass's hidden probabilities, and its softmax layer the top RBM's
// labels given its hidden probabilities.
func TestNetwork(t *testing.T) {
	d := smallDBN(t)
	net, err := d.Network(5, 0, 0)
	if err != nil {
		t.Fatal(err)
	}
	if got := net.Spec.String(); got != "fc:20 sigmoid fc:24 sigmoid fc:30 sigmoid softmax:4" {
		t.Errorf("spec %q", got)
	}
	const n = 5
	x := randomVectors(d.RBMs[0], n, 3).X
	top := d.Top()
	pen := d.Up(x, n, 2)
	v := make([]float32, n*top.Visible)
	for i := range n {
		copy(v[i*top.Visible:], pen[i*24:(i+1)*24])
	}
	h := make([]float32, n*top.Hidden)
	top.HiddenProbs(v, n, h)
	y := net.Forward(x, n, false)
	for i := range n {
		logits := make([]float64, 4)
		for l := range 4 {
			logits[l] = float64(top.VBias.Value.Data[24+l])
			for j := range top.Hidden {
				logits[l] += float64(top.W.Value.Data[j*top.Visible+24+l]) * float64(h[i*top.Hidden+j])
			}
		}
		m := logSumExp(logits)
		for l := range 4 {
			if want := math.Exp(logits[l] - m); math.Abs(float64(y[i*4+l])-want) > 1e-5 {
				t.Fatalf("example %d, label %d: %v, want %v", i, l, y[i*4+l], want)
			}
		}
	}
	if _, err := d.Network(5, 10, 0); err == nil {
		t.Error("10 classes from 4 labels: no error")
	}
}

// TestGenerate: generated images are pixel probabilities, a function of
// the seed, and differ from label to label; reconstructions and
// classifications have their sizes.
func TestGenerate(t *testing.T) {
	d := smallDBN(t)
	a, err := d.Generate(1, 3, 20, 7)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := d.Generate(1, 3, 20, 7)
	c, _ := d.Generate(2, 3, 20, 7)
	sameBits(t, "the same seed", a, b)
	if len(a) != 3*64 {
		t.Fatalf("%d values", len(a))
	}
	differ := false
	for i, v := range a {
		if !(v >= 0 && v <= 1) {
			t.Fatalf("pixel %d: %v", i, v)
		}
		differ = differ || v != c[i]
	}
	if !differ {
		t.Error("labels 1 and 2 generate the same images")
	}
	for _, bad := range []int{4, -2} {
		if _, err := d.Generate(bad, 1, 1, 1); err == nil {
			t.Errorf("label %d: no error", bad)
		}
	}
	x := randomVectors(d.RBMs[0], 4, 1).X
	if r := d.Reconstruct(x, 4); len(r) != 4*64 {
		t.Errorf("reconstruction of %d values", len(r))
	}
	for _, l := range d.Classify(x, 4) {
		if l < 0 || l >= 4 {
			t.Errorf("label %d", l)
		}
	}
}

// TestGenerateChain: the frames of a chain are the images Generate gives
// after as many sweeps with the same seed, and the chain ends with
// Generate's.
func TestGenerateChain(t *testing.T) {
	d := smallDBN(t)
	var sweeps []int
	last, err := d.GenerateChain(3, 2, 12, 5, 4, func(sweep int, images []float32) {
		sweeps = append(sweeps, sweep)
		want, _ := d.Generate(3, 2, sweep, 5)
		sameBits(t, fmt.Sprintf("sweep %d", sweep), images, want)
	})
	if err != nil {
		t.Fatal(err)
	}
	want, _ := d.Generate(3, 2, 12, 5)
	sameBits(t, "the last images", last, want)
	if fmt.Sprint(sweeps) != "[4 8 12]" {
		t.Errorf("frames after sweeps %v, want [4 8 12]", sweeps)
	}
}

// greedyEpochs is the epochs of each RBM of greedyLayers.
const greedyEpochs = 10

// greedyLayers is a short recipe for each RBM of a greedy run.
func greedyLayers(i int) (train.Config, CDConfig) {
	tc := recipe(greedyEpochs)
	tc.Seed = uint64(i + 1)
	return tc, CDConfig{K: 1, Binarize: PerEpoch}
}

// TestGreedy: greedy training of a small DBN on synthetic bars learns to
// tell them apart; stopped in the middle of its second RBM and resumed
// from its directory, it ends with the same bits as a run that never
// stopped.
func TestGreedy(t *testing.T) {
	s := syntheticSplits(400)
	newDBN := func() *DBN {
		d, err := NewDBN(DBNConfig{Sizes: []int{64, 32, 32, 48}, Labels: 4, In: nn.Shape{C: 1, H: 8, W: 8}, Seed: 2})
		if err != nil {
			t.Fatal(err)
		}
		return d
	}
	want := newDBN()
	res, err := Greedy(context.Background(), want, s, GreedyConfig{Layer: greedyLayers})
	if err != nil {
		t.Fatal(err)
	}
	if len(res) != 3 || want.Trained != 3 {
		t.Fatalf("%d results, %d RBMs trained", len(res), want.Trained)
	}
	x := make([]float32, s.Test.N*64)
	idx := make([]int, s.Test.N)
	for i := range idx {
		idx[i] = i
	}
	s.Test.Batch(x, idx)
	right := 0
	for i, l := range want.Classify(x, s.Test.N) {
		if l == int(s.Test.Labels[i]) {
			right++
		}
	}
	if acc := float64(right) / float64(s.Test.N); acc < 0.9 {
		t.Errorf("the DBN classifies %.2f of the test bars", acc)
	}

	dir := t.TempDir()
	ctx, cancel := context.WithCancel(context.Background())
	stopped := GreedyConfig{Dir: dir, Layer: func(i int) (train.Config, CDConfig) {
		tc, cd := greedyLayers(i)
		if i == 1 {
			tc.OnEpoch = func(e train.Epoch) {
				if e.Epoch == 4 {
					cancel()
				}
			}
		}
		return tc, cd
	}}
	if _, err := Greedy(ctx, newDBN(), s, stopped); !errors.Is(err, context.Canceled) {
		t.Fatalf("the stopped run: %v", err)
	}
	got := newDBN()
	res, err = Greedy(context.Background(), got, s, GreedyConfig{Dir: dir, Resume: true, Layer: greedyLayers})
	if err != nil {
		t.Fatal(err)
	}
	if res[0] != nil || res[1] == nil || len(res[1].Epochs) != greedyEpochs || got.Trained != 3 {
		t.Errorf("resumed results %v, %d trained", res, got.Trained)
	}
	for i, p := range want.Params() {
		sameBits(t, p.Name, p.Value.Data, got.Params()[i].Value.Data)
	}
	saved, _, err := LoadDBN(dir + "/dbn.safetensors")
	if err != nil || saved.Trained != 3 {
		t.Fatalf("the directory's DBN: %v", err)
	}
}

// TestGenerateSamplesTheModel: the images Generate writes are, on
// average, the mean visible vector of the top RBM given the clamped label
// (a DBN of that RBM alone, summed over here exactly), so its Gibbs
// chain samples the model with the label clamped.
func TestGenerateSamplesTheModel(t *testing.T) {
	d, err := NewDBN(DBNConfig{Sizes: []int{6, 4}, Labels: 3, Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	top := randomRBM(t, d.Top().Config, 1)
	for k, p := range top.Params() {
		p.Name = d.Top().Params()[k].Name
	}
	d.RBMs[0] = top
	for label := range 3 {
		// E[v | label] = Σ_v v e^−F(v, label) / Σ_v e^−F(v, label).
		want := make([]float64, 6)
		var z float64
		v := make([]float32, 9)
		for s := range 1 << 6 {
			for i := range 9 {
				v[i] = 0
			}
			for i := range 6 {
				v[i] = float32(s >> i & 1)
			}
			v[6+label] = 1
			p := math.Exp(-freeEnergy64(top, v))
			z += p
			for i := range 6 {
				want[i] += p * float64(v[i])
			}
		}
		const n = 4000
		img, err := d.Generate(label, n, 30, uint64(label))
		if err != nil {
			t.Fatal(err)
		}
		for i := range 6 {
			var got float64
			for k := range n {
				got += float64(img[k*6+i]) / n
			}
			if w := want[i] / z; math.Abs(got-w) > 0.03 {
				t.Errorf("label %d, unit %d: mean %.3f, the model's %.3f", label, i, got, w)
			}
		}
	}
}

// TestSameShape: a saved DBN whose RBMs do not stack as this one's is
// refused in words that say how they differ.
func TestSameShape(t *testing.T) {
	a, _ := NewDBN(DBNConfig{Sizes: []int{64, 32, 32}, Labels: 4})
	b, _ := NewDBN(DBNConfig{Sizes: []int{64, 32, 24}, Labels: 4})
	c, _ := NewDBN(DBNConfig{Sizes: []int{64, 32}})
	err := sameShape(a, b)
	if err == nil || err.Error() != "rbm: RBM 2 of the saved DBN has 36 visible (4 of them labels) and 32 hidden units, this one 36 visible (4 of them labels) and 24 hidden units" {
		t.Errorf("%v", err)
	}
	if err := sameShape(a, c); err == nil || !strings.Contains(err.Error(), "has 2 RBMs, this one 1") {
		t.Errorf("%v", err)
	}
}
