package nn

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/deepnet-go/deepnet/internal/f32"
	"github.com/deepnet-go/deepnet/internal/gradcheck"
)

// buildRecurrent builds the recurrent layer text describes on sequences
// of t steps of c values.
func buildRecurrent(t *testing.T, text string, steps, c, batch int) *RecurrentLayer {
	t.Helper()
	spec, err := ParseSpec(text)
	if err != nil {
		t.Fatal(err)
	}
	in := Shape{C: c, H: 1, W: 1, Flat: true, T: steps}
	l, err := spec[0].Build(BuildContext{In: in, MaxBatch: batch, InputGrad: true, Name: "r"})
	if err != nil {
		t.Fatal(err)
	}
	return l.(*RecurrentLayer)
}

// TestGradientRecurrent checks every cell, one layer and two, returning
// the last state and every state, against central differences.
func TestGradientRecurrent(t *testing.T) {
	for _, cell := range []string{"rnn", "lstm", "gru"} {
		for _, form := range []string{":4", ":4:seq", ":3x2", ":3x2:seq"} {
			t.Run(cell+form, func(t *testing.T) {
				l := buildRecurrent(t, cell+form, 5, 3, 2)
				checkLayer(t, l, l.in, 2)
			})
		}
	}
}

// TestRecurrentNames: the parameters are PyTorch's, per stacked layer.
func TestRecurrentNames(t *testing.T) {
	l := buildRecurrent(t, "lstm:6x2", 4, 3, 1)
	var got []string
	for _, p := range l.Params() {
		got = append(got, fmt.Sprint(p.Name, p.Value.Shape))
	}
	want := "[r.weight_ih_l0[24 3] r.weight_hh_l0[24 6] r.bias_ih_l0[24] r.bias_hh_l0[24] r.weight_ih_l1[24 6] r.weight_hh_l1[24 6] r.bias_ih_l1[24] r.bias_hh_l1[24]]"
	if fmt.Sprint(got) != want {
		t.Fatalf("%v\nwant %s", got, want)
	}
	if s := l.Spec().String(); s != "lstm:6x2" {
		t.Errorf("spec %q", s)
	}
}

// TestRecurrentCarry: with carry, two windows of a sequence give the
// states one Forward over the whole sequence gives; ResetState starts
// from zeros again.
func TestRecurrentCarry(t *testing.T) {
	for _, cell := range []string{"rnn", "lstm", "gru"} {
		whole := buildRecurrent(t, cell+":4x2:seq", 6, 3, 2)
		half := buildRecurrent(t, cell+":4x2:seq", 3, 3, 2)
		rng := rand.New(rand.NewPCG(1, 2))
		for i, p := range whole.Params() {
			copy(p.Value.Data, randSlice(rng, p.Value.Len(), 0.5))
			copy(half.Params()[i].Value.Data, p.Value.Data)
		}
		x := randSlice(rng, 6*2*3, 1) // [6][2][3]
		want := append([]float32(nil), whole.Forward(x, 2, false)...)
		half.SetCarry(true)
		first := append([]float32(nil), half.Forward(x[:18], 2, false)...)
		second := half.Forward(x[18:], 2, false)
		got := append(first, second...)
		for i := range want {
			if math.Abs(float64(got[i]-want[i])) > 1e-6 {
				t.Fatalf("%s: state %d is %v in two windows, %v in one", cell, i, got[i], want[i])
			}
		}
		half.ResetState()
		again := half.Forward(x[:18], 2, false)
		for i := range first {
			if again[i] != first[i] {
				t.Fatalf("%s: after ResetState the first window gives %v, not %v", cell, again[i], first[i])
			}
		}
	}
}

// TestRecurrentStepsAlone: the last state is the seq output's last step.
func TestRecurrentStepsAlone(t *testing.T) {
	seq := buildRecurrent(t, "gru:5:seq", 4, 2, 3)
	last := buildRecurrent(t, "gru:5", 4, 2, 3)
	for i, p := range seq.Params() {
		for j := range p.Value.Data {
			p.Value.Data[j] = float32(math.Sin(float64(i*100 + j)))
		}
		copy(last.Params()[i].Value.Data, p.Value.Data)
	}
	x := randSlice(rand.New(rand.NewPCG(3, 4)), 4*3*2, 1)
	all := seq.Forward(x, 3, false)
	got := last.Forward(x, 3, false)
	for i, v := range got {
		if v != all[3*3*5+i] {
			t.Fatalf("last state %v, the seq output's last step %v", got, all[45:])
		}
	}
}

// TestRecurrentStateGradients: with the gradient given at the last step
// only, the recorded norm of the last state's gradient is that gradient's,
// and the earlier states' follow from it through U (not zero).
func TestRecurrentStateGradients(t *testing.T) {
	l := buildRecurrent(t, "rnn:4", 5, 2, 2)
	l.Init(InitNetwork3, InitContext{}, rand.New(rand.NewPCG(7, 8)))
	l.RecordStateGradients(true)
	x := randSlice(rand.New(rand.NewPCG(5, 6)), 5*2*2, 1)
	l.Forward(x, 2, true)
	gy := []float32{1, 2, 0, 0, 0, 0, 2, 1}
	l.Backward(gy)
	norms := l.StateGradients()[0]
	if math.Abs(norms[4]-math.Sqrt(10)) > 1e-6 {
		t.Fatalf("last step's norm %v, want √10", norms[4])
	}
	for _, v := range norms {
		if !(v > 0) {
			t.Fatalf("norms %v", norms)
		}
	}
}

// TestRecurrentNeedsSequence: a recurrent layer on images says what to do.
func TestRecurrentNeedsSequence(t *testing.T) {
	spec, _ := ParseSpec("lstm:8 softmax:10")
	if _, err := Plan(spec, Shape{C: 1, H: 28, W: 28}); err == nil {
		t.Fatal("no error")
	}
	spec, _ = ParseSpec("rows lstm:8 softmax:10")
	if _, err := Plan(spec, Shape{C: 1, H: 28, W: 28}); err != nil {
		t.Fatal(err)
	}
}

// TestRecurrentNetwork checks a whole network that reads images row by
// row: its cost's gradients against central differences, and that its
// training step does not allocate.
func TestRecurrentNetwork(t *testing.T) {
	for _, cell := range []string{"rnn", "lstm", "gru"} {
		spec, err := ParseSpec("rows " + cell + ":5x2 fc:4:tanh softmax:3")
		if err != nil {
			t.Fatal(err)
		}
		net, err := New(Config{Spec: spec, In: Shape{C: 1, H: 4, W: 3}, MaxBatch: 3, Seed: 1})
		if err != nil {
			t.Fatal(err)
		}
		rng := rand.New(rand.NewPCG(4, 5))
		for _, p := range net.Params() {
			copy(p.Value.Data, randSlice(rng, p.Value.Len(), 0.5))
		}
		x := randSlice(rng, 3*12, 1)
		labels := []int{0, 2, 1}
		cost := func() float64 {
			net.Forward(x, 3, true)
			return net.BackwardLabels(labels, 0, nil)
		}
		cost()
		for _, p := range net.Params() {
			analytic := append([]float32(nil), p.Grad.Data...)
			if err := gradcheck.Compare(cell+" "+p.Name, analytic, gradcheck.Numeric(p.Value.Data, 1e-3, cost), 3e-2, 1e-2); err != nil {
				t.Error(err)
			}
		}
		if a := testing.AllocsPerRun(10, func() { cost() }); a != 0 {
			t.Errorf("%s: %v allocations per step", cell, a)
		}
	}
}

// TestRecurrentMatchesTorch runs torch.nn.RNN, LSTM and GRU's cases of
// testdata/torch_layers.json (two layers, every step's state) with the
// same parameters, under the same names, and compares the states and
// every gradient.
func TestRecurrentMatchesTorch(t *testing.T) {
	cases := loadTorchCases(t)
	for _, name := range []string{"rnn_2layers", "lstm_2layers", "gru_2layers"} {
		t.Run(name, func(t *testing.T) {
			c, ok := cases[name]
			if !ok {
				t.Fatalf("no case %s", name)
			}
			x := c.Inputs["x"]
			steps, n, width := x.Shape[0], x.Shape[1], x.Shape[2]
			l := buildRecurrent(t, c.Spec, steps, width, n)
			for _, p := range l.Params() {
				v, ok := c.Inputs[p.Name[len("r."):]]
				if !ok || len(v.Data) != p.Value.Len() {
					t.Fatalf("parameter %s %v: the case has %v", p.Name, p.Value.Shape, v.Shape)
				}
				copy(p.Value.Data, v.F32())
			}
			closeTo(t, "y", l.Forward(x.F32(), n, true), c.Outputs["y"])
			closeTo(t, "gx", l.Backward(c.Inputs["gy"].F32()), c.Outputs["gx"])
			for _, p := range l.Params() {
				closeTo(t, p.Name+".grad", p.Grad.Data, c.Outputs[p.Name[len("r."):]+".grad"])
			}
		})
	}
}

// TestRecurrentWorkersBitIdentical: the steps run in blocks of examples on
// any number of workers, with the same results to the bit.
func TestRecurrentWorkersBitIdentical(t *testing.T) {
	defer f32.SetWorkers(f32.Workers())
	var want []float32
	for _, w := range []int{1, 2, 3} {
		f32.SetWorkers(w)
		l := buildRecurrent(t, "lstm:7x2:seq", 5, 3, 40)
		l.Init(InitNetwork3, InitContext{}, rand.New(rand.NewPCG(1, 1)))
		rng := rand.New(rand.NewPCG(2, 2))
		x, gy := randSlice(rng, 5*40*3, 1), randSlice(rng, 5*40*7, 1)
		got := append([]float32(nil), l.Forward(x, 40, true)...)
		got = append(got, l.Backward(gy)...)
		for _, p := range l.Params() {
			got = append(got, p.Grad.Data...)
		}
		if want == nil {
			want = got
			continue
		}
		for i := range want {
			if math.Float32bits(got[i]) != math.Float32bits(want[i]) {
				t.Fatalf("%d workers: value %d is %v, with one worker %v", w, i, got[i], want[i])
			}
		}
	}
}

// TestEmbedNetwork checks a character model's shape of network: tokens →
// vectors → an LSTM's every state → a distribution per step, its
// gradients against central differences (the embedding's rows of the
// tokens seen, the others zero).
func TestEmbedNetwork(t *testing.T) {
	spec, err := ParseSpec("embed:7x4 lstm:5:seq softmax:7")
	if err != nil {
		t.Fatal(err)
	}
	const steps, n = 3, 2
	net, err := New(Config{Spec: spec, In: Shape{C: 1, H: 1, W: 1, Flat: true, T: steps}, MaxBatch: n, Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	if got := net.OutShape(); got.T != steps || got.C != 7 {
		t.Fatalf("output %+v", got)
	}
	rng := rand.New(rand.NewPCG(6, 7))
	for _, p := range net.Params() {
		copy(p.Value.Data, randSlice(rng, p.Value.Len(), 0.5))
	}
	x := []float32{1, 3, 0, 6, 3, 3} // [T][n]
	labels := []int{3, 0, 6, 3, 3, 2}
	cost := func() float64 {
		net.Forward(x, n, true)
		return net.BackwardLabels(labels, 0, nil)
	}
	cost()
	for _, p := range net.Params() {
		analytic := append([]float32(nil), p.Grad.Data...)
		if err := gradcheck.Compare(p.Name, analytic, gradcheck.Numeric(p.Value.Data, 1e-3, cost), 3e-2, 1e-2); err != nil {
			t.Error(err)
		}
	}
	if g := net.Params()[0].Grad.Data; g[2*4] != 0 || g[5*4+3] != 0 {
		t.Error("rows of tokens not seen have a gradient")
	}
	defer func() {
		if recover() == nil {
			t.Error("no panic for a token outside the vocabulary")
		}
	}()
	net.Forward([]float32{1, 2, 7, 0, 0, 0}, n, false)
}
