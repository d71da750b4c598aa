package nn_test

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"path/filepath"
	"strings"
	"testing"

	"github.com/deepnet-go/deepnet/data"
	"github.com/deepnet-go/deepnet/internal/gradcheck"
	"github.com/deepnet-go/deepnet/model"
	"github.com/deepnet-go/deepnet/nn"
	"github.com/deepnet-go/deepnet/tensor"
	"github.com/deepnet-go/deepnet/train"
)

// This file defines a kind of layer that deepnet does not have, the
// parametric ReLU of He et al. (2015), y = x for x > 0 and a·x otherwise
// with one trained slope a per feature map or unit, and runs it through
// everything a kind takes part in: ParseSpec and String, Plan, New and
// initialisation, training steps, a gradient check, and a model file saved
// and loaded. Nothing outside this file knows of it.

// preluSpec is "prelu": one slope per channel.
type preluSpec struct{}

func init() {
	nn.Register(nn.Kind{Name: "prelu", Syntax: "prelu", About: "parametric ReLU", Activation: true,
		Parse: func(arg string, hasArg bool) ([]nn.LayerSpec, error) {
			if hasArg {
				return nil, fmt.Errorf("prelu takes no argument")
			}
			return []nn.LayerSpec{preluSpec{}}, nil
		}})
}

func (preluSpec) Kind() string    { return "prelu" }
func (preluSpec) String() string  { return "prelu" }
func (preluSpec) Validate() error { return nil }

// channels is the number of slopes: feature maps of images, units of
// flat vectors.
func channels(in nn.Shape) int {
	if in.Flat {
		return in.Size()
	}
	return in.C
}

func (preluSpec) Plan(in nn.Shape) (nn.LayerPlan, error) {
	return nn.LayerPlan{Out: in, Floats: 2 * int64(in.Size()),
		Params: []nn.ParamPlan{{Name: "weight", Shape: []int{channels(in)}, Trained: true}}}, nil
}

func (s preluSpec) Build(ctx nn.BuildContext) (nn.Layer, error) {
	c := channels(ctx.In)
	return &prelu{in: ctx.In, y: make([]float32, ctx.In.Size()*ctx.MaxBatch), gx: make([]float32, ctx.In.Size()*ctx.MaxBatch),
		a: &nn.Param{Name: ctx.Name + ".weight", Value: tensor.New(c), Grad: tensor.New(c)}}, nil
}

type prelu struct {
	in    nn.Shape
	a     *nn.Param
	x     []float32
	n     int
	y, gx []float32
}

func (l *prelu) Spec() nn.LayerSpec  { return preluSpec{} }
func (l *prelu) OutShape() nn.Shape  { return l.in }
func (l *prelu) Params() []*nn.Param { return []*nn.Param{l.a} }
func (l *prelu) channel(i int) int   { return channelOf(l.in, l.n, i) }
func (l *prelu) Init(scheme nn.Init, _ nn.InitContext, _ *rand.Rand) error {
	for i := range l.a.Value.Data {
		l.a.Value.Data[i] = 0.25 // PyTorch's, under every scheme
	}
	return nil
}

// channelOf is the channel of value i of a batch of n: [C][n][H][W] for
// images, [n][C] for flat vectors.
func channelOf(in nn.Shape, n, i int) int {
	if in.Flat {
		return i % in.Size()
	}
	return i / (n * in.H * in.W)
}

func (l *prelu) Forward(x []float32, n int, train bool) []float32 {
	l.x, l.n = x[:n*l.in.Size()], n
	y := l.y[:len(l.x)]
	for i, v := range l.x {
		if v > 0 {
			y[i] = v
		} else {
			y[i] = l.a.Value.Data[l.channel(i)] * v
		}
	}
	return y
}

func (l *prelu) Backward(gy []float32) []float32 {
	ga := l.a.Grad.Data
	clear(ga)
	gx := l.gx[:len(l.x)]
	for i, v := range l.x {
		if v > 0 {
			gx[i] = gy[i]
			continue
		}
		c := l.channel(i)
		gx[i] = l.a.Value.Data[c] * gy[i]
		ga[c] += v * gy[i]
	}
	return gx
}

const preluNet = "conv:3x3x3 prelu maxpool:2 fc:12:prelu softmax:3"

// TestNewKindEndToEnd runs the kind above through parsing, planning,
// building, a gradient check, training, and a model file.
func TestNewKindEndToEnd(t *testing.T) {
	spec, err := nn.ParseSpec(preluNet)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := spec.String(), "conv:3x3x3 prelu maxpool:2 fc:12 prelu softmax:3"; got != want {
		t.Fatalf("spec %q, want %q", got, want)
	}
	in := nn.Shape{C: 1, H: 8, W: 8}
	plans, err := nn.Plan(spec, in)
	if err != nil {
		t.Fatal(err)
	}
	if p := plans[1]; p.Out != (nn.Shape{C: 3, H: 6, W: 6}) || p.Params[0].Name != "1.weight" || p.Params[0].Shape[0] != 3 {
		t.Fatalf("prelu planned %+v", p)
	}
	net, err := nn.New(nn.Config{Spec: spec, In: in, MaxBatch: 10, Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	if a := net.Params()[2]; a.Name != "1.weight" || a.Value.Data[0] != 0.25 {
		t.Fatalf("prelu parameter %s = %v after New, want 1.weight = 0.25", a.Name, a.Value.Data)
	}
	checkGradients(t)

	d := &data.Splits{Train: threeClasses(300, 1), Validation: threeClasses(60, 2), Test: threeClasses(60, 3)}
	res, err := train.Run(context.Background(), net, d, train.Config{Epochs: 4, Batch: 10, Eta: 0.1, Seed: 1, KeepBest: true})
	if err != nil {
		t.Fatal(err)
	}
	if res.TestAtBest < 0.9 {
		t.Fatalf("test accuracy %v after training; the three classes are easy", res.TestAtBest)
	}
	if a := net.Params()[2].Value.Data; a[0] == 0.25 && a[1] == 0.25 && a[2] == 0.25 {
		t.Fatal("training did not move the slopes")
	}

	path := filepath.Join(t.TempDir(), "prelu.safetensors")
	if err := model.Save(path, net, model.Info{}); err != nil {
		t.Fatal(err)
	}
	loaded, _, err := model.Load(path)
	if err != nil {
		t.Fatal(err)
	}
	x := make([]float32, 5*in.Size())
	d.Test.Batch(x, []int{0, 1, 2, 3, 4})
	want := append([]float32(nil), net.Forward(x, 5, false)...)
	for i, v := range loaded.Forward(x, 5, false) {
		if v != want[i] {
			t.Fatalf("loaded network's output %d: %v, saved network's %v", i, v, want[i])
		}
	}
}

// checkGradients compares a prelu layer's gradients, with respect to its
// input and its slopes, with central differences of L = Σ gy·y, for the
// layer on images and on flat vectors, built as New builds it.
func checkGradients(t *testing.T) {
	t.Helper()
	for _, in := range []nn.Shape{{C: 2, H: 3, W: 3}, {C: 5, H: 1, W: 1, Flat: true}} {
		l, err := preluSpec{}.Build(nn.BuildContext{In: in, MaxBatch: 4, InputGrad: true, Name: "p"})
		if err != nil {
			t.Fatal(err)
		}
		rng := rand.New(rand.NewPCG(1, 2))
		a := l.Params()[0]
		for i := range a.Value.Data {
			a.Value.Data[i] = float32(rng.NormFloat64())
		}
		x, gy := make([]float32, 4*in.Size()), make([]float32, 4*in.Size())
		for i := range x {
			x[i], gy[i] = float32(rng.NormFloat64()), float32(rng.NormFloat64())
		}
		cost := func() float64 { return gradcheck.Dot(gy, l.Forward(x, 4, true)) }
		cost()
		gx := append([]float32(nil), l.Backward(gy)...)
		if err := gradcheck.Compare("gx", gx, gradcheck.Numeric(x, 1e-3, cost), 1e-2, 1e-2); err != nil {
			t.Errorf("%s: %v", in, err)
		}
		if err := gradcheck.Compare(a.Name, a.Grad.Data, gradcheck.Numeric(a.Value.Data, 1e-3, cost), 1e-2, 1e-2); err != nil {
			t.Errorf("%s: %v", in, err)
		}
	}
}

// threeClasses is n 8×8 images of three classes: a bright top half (0),
// bottom half (1) or neither (2), with noise.
func threeClasses(n int, seed uint64) *data.Set {
	rng := rand.New(rand.NewPCG(seed, 0))
	s := data.NewSet(n, 8, 8)
	for i := range n {
		c := rng.IntN(3)
		s.Labels[i] = uint8(c)
		img := s.Image(i)
		for j := range img {
			v := rng.IntN(60)
			if (c == 0 && j < 32) || (c == 1 && j >= 32) {
				v += 150
			}
			img[j] = uint8(v)
		}
	}
	return s
}

// TestUnknownKindIsAnError: a kind nobody registered is a *SpecError
// that lists the kinds there are, this file's included.
func TestUnknownKindIsAnError(t *testing.T) {
	_, err := nn.ParseSpec("conv:2x3x3 swish softmax:2")
	var se *nn.SpecError
	if !errors.As(err, &se) || se.Layer != 2 || se.Token != "swish" {
		t.Fatalf("error %#v, want a *SpecError at layer 2 \"swish\"", err)
	}
	for _, k := range nn.Kinds() {
		if want := k.Syntax; !strings.Contains(err.Error(), want) {
			t.Errorf("the error does not list %s: %v", want, err)
		}
	}
}
