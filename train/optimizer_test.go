package train

import (
	"errors"
	"fmt"
	"math"
	"strings"
	"testing"

	"github.com/deepnet-go/deepnet/internal/f32"
	"github.com/deepnet-go/deepnet/internal/torchref"
	"github.com/deepnet-go/deepnet/nn"
	"github.com/deepnet-go/deepnet/tensor"
)

// optimizers are the settings the tests run every optimiser with.
var optimizers = []struct {
	name string
	set  func(*Config)
}{
	{"sgd", func(c *Config) {}},
	{"momentum", func(c *Config) { c.Momentum = 0.9 }},
	{"nesterov", func(c *Config) { c.Momentum, c.Nesterov = 0.9, true }},
	{"adam", func(c *Config) { c.Optimizer, c.Eta = "adam", c.Eta/20 }},
	{"rmsprop", func(c *Config) { c.Optimizer, c.Eta = "rmsprop:0.9", c.Eta/100 }},
}

func TestParseOptimizer(t *testing.T) {
	for _, c := range []struct {
		in   string
		want OptimizerSpec
	}{
		{"", OptimizerSpec{Name: "sgd"}},
		{"sgd", OptimizerSpec{Name: "sgd"}},
		{"adam", OptimizerSpec{Name: "adam", Beta1: 0.9, Beta2: 0.999, Eps: 1e-8}},
		{"adam:0.8", OptimizerSpec{Name: "adam", Beta1: 0.8, Beta2: 0.999, Eps: 1e-8}},
		{"adam:0:0.98:1e-6", OptimizerSpec{Name: "adam", Beta1: 0, Beta2: 0.98, Eps: 1e-6}},
		{"rmsprop", OptimizerSpec{Name: "rmsprop", Alpha: 0.99, Eps: 1e-8}},
		{"rmsprop:0.9:1e-4", OptimizerSpec{Name: "rmsprop", Alpha: 0.9, Eps: 1e-4}},
	} {
		got, err := ParseOptimizer(c.in)
		if err != nil || got != c.want {
			t.Errorf("ParseOptimizer(%q) = %+v, %v; want %+v", c.in, got, err, c.want)
		}
		if back, err := ParseOptimizer(got.String()); err != nil || back != got {
			t.Errorf("%q formats as %q, which reads back as %+v, %v", c.in, got.String(), back, err)
		}
	}
	for _, c := range []struct{ in, want string }{
		{"adamw", `unknown optimiser "adamw"`},
		{"Adam", `unknown optimiser "Adam"`},
		{"sgd:0.9", "sgd takes no values"},
		{"adam:", `β1 "" is not a number`},
		{"adam:1", "β1 1 outside [0, 1)"},
		{"adam:0.9:-0.1", "β2 -0.1 outside [0, 1)"},
		{"adam:0.9:0.999:0", "ε 0 must be positive"},
		{"adam:0.9:0.999:1e-8:3", "at most 3 values (β1, β2, ε)"},
		{"rmsprop:1", "α 1 outside [0, 1)"},
		{"rmsprop:NaN", "α NaN outside"},
		{"rmsprop:0.9:Inf", "ε +Inf must be positive and finite"},
	} {
		_, err := ParseOptimizer(c.in)
		if err == nil || !strings.Contains(err.Error(), c.want) || strings.Contains(err.Error(), "--") {
			t.Errorf("ParseOptimizer(%q): error %v, want one containing %q (and no flag)", c.in, err, c.want)
		}
	}
	var unknown *UnknownOptimizerError
	if _, err := NewOptimizer(Config{Optimizer: "lion"}, nil, 1); !errors.As(err, &unknown) || unknown.Name != "lion" {
		t.Errorf("NewOptimizer of lion: error %v, want an *UnknownOptimizerError", err)
	}
}

// TestAdamFirstStep: Adam's first step moves each weight by η·g/(|g| +
// ε·…), about η against the sign of its gradient whatever the gradient's
// size, since the bias-corrected moments are g and g².
func TestAdamFirstStep(t *testing.T) {
	w := &nn.Param{Value: tensor.From([]float32{1, 1, 1}, 3), Grad: tensor.From([]float32{1e-3, -5, 0}, 3)}
	o := NewAdam([]*nn.Param{w}, 0, 1, 0.9, 0.999, 1e-8)
	o.Step([]*nn.Param{w}, 0.01)
	for i, want := range []float64{0.99, 1.01, 1} {
		if math.Abs(float64(w.Value.Data[i])-want) > 1e-6 {
			t.Errorf("w[%d] = %v after one step, want %v", i, w.Value.Data[i], want)
		}
	}
	if o.Steps[0] != 1 {
		t.Errorf("%d steps counted, want 1", o.Steps[0])
	}
}

// TestOptimizersMatchTorch runs Adam and RMSprop over the steps of
// testdata/torch_optim.json (a weight with L2 regularisation and a bias
// without, a learning rate per step) and compares every parameter after
// every step with PyTorch's torch.optim, computed in float64 from the same
// float32 values. Each step rounds a few float32 operations (relative
// errors of some 1e-7 of the step) and the new weight (half an ulp), over
// six steps: the tolerance is 4 ulps of the weight plus 1e-5 of its move
// so far.
func TestOptimizersMatchTorch(t *testing.T) {
	cases := loadTorchOptim(t)
	for name, spec := range map[string]string{
		"adam_default": "adam", "adam_0.5_0.9_1e-3": "adam:0.5:0.9:1e-3",
		"rmsprop_default": "rmsprop", "rmsprop_0.9_1e-4": "rmsprop:0.9:1e-4",
	} {
		c, ok := cases[name]
		if !ok {
			t.Fatalf("no case %s", name)
		}
		in, out := c.Inputs, c.Outputs
		w := &nn.Param{Name: "w", Value: tensor.From(in["w"].F32(), 3, 4), Grad: tensor.New(3, 4), Decay: true}
		b := &nn.Param{Name: "b", Value: tensor.From(in["b"].F32(), 4), Grad: tensor.New(4)}
		params := []*nn.Param{w, b}
		// λ/B = 0.1/5 is the case's weight decay.
		if d := in["decay"].Data[0]; d != 0.1/5 {
			t.Fatalf("%s: decay %v", name, d)
		}
		opt, err := NewOptimizer(Config{Optimizer: spec, Lambda: 0.1}, params, 5)
		if err != nil {
			t.Fatal(err)
		}
		gw, gb := in["grad_w"].F32(), in["grad_b"].F32()
		lrs := in["lr"].Data
		w0, b0 := in["w"].Data, in["b"].Data
		for k, lr := range lrs {
			copy(w.Grad.Data, gw[12*k:12*(k+1)])
			copy(b.Grad.Data, gb[4*k:4*(k+1)])
			opt.Step(params, lr)
			for _, p := range []struct {
				what     string
				got      []float32
				want, at []float64
			}{{"w", w.Value.Data, out["w"].Data[12*k : 12*(k+1)], w0}, {"b", b.Value.Data, out["b"].Data[4*k : 4*(k+1)], b0}} {
				for i, v := range p.want {
					tol := 4*ulp32(v) + 1e-5*math.Abs(v-p.at[i])
					if d := math.Abs(float64(p.got[i]) - v); !(d <= tol) {
						t.Errorf("%s step %d: %s[%d] = %v, PyTorch %v (error %.3g, tolerance %.3g)", name, k+1, p.what, i, p.got[i], v, d, tol)
					}
				}
			}
		}
	}
}

// TestClipMatchesTorch compares ClipGradNorm with PyTorch's
// clip_grad_norm_: the norm (float64 sums of exact float32 squares) to
// 1e-12, and the clipped gradients to the rounding of the float32 factor
// and product.
func TestClipMatchesTorch(t *testing.T) {
	cases := loadTorchOptim(t)
	for _, name := range []string{"clip_1", "clip_100"} {
		c := cases[name]
		w := &nn.Param{Value: tensor.New(3, 4), Grad: tensor.From(c.Inputs["grad_w"].F32(), 3, 4)}
		b := &nn.Param{Value: tensor.New(4), Grad: tensor.From(c.Inputs["grad_b"].F32(), 4)}
		buffer := &nn.Param{Value: tensor.From([]float32{1e9}, 1)} // no gradient: left out
		norm := ClipGradNorm([]*nn.Param{w, buffer, b}, c.Inputs["max_norm"].Data[0])
		if want := c.Outputs["norm"].Data[0]; math.Abs(norm-want) > 1e-12*want {
			t.Errorf("%s: norm %v, PyTorch %v", name, norm, want)
		}
		for _, p := range []struct {
			got  []float32
			want []float64
		}{{w.Grad.Data, c.Outputs["grad_w"].Data}, {b.Grad.Data, c.Outputs["grad_b"].Data}} {
			for i, v := range p.want {
				if d := math.Abs(float64(p.got[i]) - v); d > 2*ulp32(v) {
					t.Errorf("%s: gradient %v, PyTorch %v", name, p.got[i], v)
				}
			}
		}
	}
}

// TestClipGradNorm checks the norm against a float64 reference over
// tensors of odd sizes, and that it is the same, bit for bit, whatever the
// number of workers.
func TestClipGradNorm(t *testing.T) {
	make := func() []*nn.Param {
		var ps []*nn.Param
		for i, n := range []int{1, 17, 1000, 70001, 33} {
			g := tensor.New(n)
			for j := range g.Data {
				g.Data[j] = float32(math.Sin(float64(7*i+j))) * float32(i+1)
			}
			ps = append(ps, &nn.Param{Value: tensor.New(n), Grad: g})
		}
		return append(ps, &nn.Param{Value: tensor.New(5)}) // a buffer
	}
	ref := make()
	var sum float64
	for _, p := range ref[:5] {
		for _, g := range p.Grad.Data {
			sum += float64(g) * float64(g)
		}
	}
	want := math.Sqrt(sum)
	var first []float32
	for _, workers := range []int{1, 2, 3} {
		withWorkers(workers, func() {
			ps := make()
			norm := ClipGradNorm(ps, 10)
			if math.Abs(norm-want) > 1e-12*want {
				t.Fatalf("%d workers: norm %v, float64 %v", workers, norm, want)
			}
			c := 10 / (want + 1e-6)
			var all []float32
			for i, p := range ps[:5] {
				for j, g := range p.Grad.Data {
					if r := float64(ref[i].Grad.Data[j]) * c; math.Abs(float64(g)-r) > 2*ulp32(r) {
						t.Fatalf("%d workers: clipped gradient %v, float64 %v", workers, g, r)
					}
				}
				all = append(all, p.Grad.Data...)
			}
			if first == nil {
				first = all
			}
			for i := range all {
				if math.Float32bits(all[i]) != math.Float32bits(first[i]) {
					t.Fatalf("%d workers: gradient %d is %v, with one worker %v", workers, i, all[i], first[i])
				}
			}
		})
	}
	// Below the norm nothing changes.
	ps := make()
	if ClipGradNorm(ps, 2*want); ps[3].Grad.Data[5] != ref[3].Grad.Data[5] {
		t.Errorf("a norm under the maximum changed the gradients")
	}
}

// TestClippedStep: a step of the trainer with clipping gives, bit for bit,
// the weights of a whole backward pass, the gradients scaled by hand by
// min(1, max/(norm + 1e-6)) with the norm computed here in float64, and
// one step of the optimiser; for every optimiser. With a maximum the norm
// never reaches, it gives the weights of the unclipped (fused) step.
func TestClippedStep(t *testing.T) {
	set := synthetic(60, 2)
	const spec = "conv:4x3x3 batchnorm relu maxpool:2 dropout:0.3 fc:16:relu softmax:2"
	for _, o := range optimizers {
		for _, maxNorm := range []float64{0.05, 1e9} {
			cfg := Config{Epochs: 1, Batch: 10, Eta: 0.1, Lambda: 0.5, ClipNorm: maxNorm}
			o.set(&cfg)
			a, b := smallNet(t, spec, 10, 3), smallNet(t, spec, 10, 3)
			tr, err := newClassifierTrainer(a, set, cfg)
			if err != nil {
				t.Fatal(err)
			}
			unclipped := cfg
			unclipped.ClipNorm = 0
			opt, err := NewOptimizer(unclipped, b.Params(), set.N/cfg.Batch)
			if err != nil {
				t.Fatal(err)
			}
			fused, _ := newClassifierTrainer(smallNet(t, spec, 10, 3), set, unclipped)
			x := make([]float32, 10*64)
			labels := make([]int, 10)
			clipped := 0
			for step := range 5 {
				idx := []int{0, 1, 2, 3, 4, 5, 6, 7, 8, 9}
				for i := range idx {
					idx[i] += 10 * step
					labels[i] = int(set.Labels[idx[i]])
				}
				tr.Step(idx, 0.1)
				fused.Step(idx, 0.1)
				set.Batch(x, idx)
				b.Forward(x, 10, true)
				b.BackwardLabels(labels, 0, nil)
				var sum float64
				for _, p := range b.Params() {
					if p.Grad != nil {
						for _, g := range p.Grad.Data {
							sum += float64(g) * float64(g)
						}
					}
				}
				if c := maxNorm / (math.Sqrt(sum) + 1e-6); c < 1 {
					clipped++
					for _, p := range b.Params() {
						if p.Grad != nil {
							for j := range p.Grad.Data {
								p.Grad.Data[j] *= float32(c)
							}
						}
					}
				}
				opt.Step(b.Params(), 0.1)
			}
			name := fmt.Sprintf("%s, clipped at %g", o.name, maxNorm)
			if (clipped == 5) != (maxNorm < 1) {
				t.Fatalf("%s: %d of 5 steps clipped", name, clipped)
			}
			sameWeights(t, name, a.Params(), b.Params())
			if maxNorm > 1 {
				sameWeights(t, name+" against the fused step", a.Params(), fused.obj.Params())
			}
		}
	}
}

// sameWeights fails unless got and want hold the same values, bit for bit.
func sameWeights(t *testing.T, what string, got, want []*nn.Param) {
	t.Helper()
	for i := range got {
		for j, v := range got[i].Value.Data {
			if w := want[i].Value.Data[j]; math.Float32bits(v) != math.Float32bits(w) {
				t.Fatalf("%s: %s[%d] = %v, want %v", what, got[i].Name, j, v, w)
			}
		}
	}
}

// withWorkers runs f with n workers.
func withWorkers(n int, f func()) {
	defer f32.SetWorkers(f32.Workers())
	f32.SetWorkers(n)
	f()
}

// loadTorchOptim reads testdata/torch_optim.json.
func loadTorchOptim(t *testing.T) map[string]torchref.Case {
	t.Helper()
	cases, err := torchref.Load(torchref.TestdataPath("torch_optim.json"))
	if err != nil {
		t.Fatal(err)
	}
	return cases
}
