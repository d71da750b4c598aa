package onnx

import (
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/deepnet-go/deepnet/nn"
	"github.com/deepnet-go/deepnet/train"
)

// testSpecs are the networks the tests export: the relu, dropout and
// best presets' (conv, pooling, dense, network3's and inverted dropout,
// batch normalisation), every other kind, and the recurrent presets' on
// sequential MNIST, stacked and per step.
func testSpecs(t testing.TB) map[string]string {
	specs := map[string]string{
		"kinds":    "conv:6x3x3/2 l2pool:2 sigmoid avgpool:2x1 tanh fc:20 batchnorm dropout:0.3 softmax:10",
		"bnconv":   "conv:6x5x5 batchnorm relu maxpool:2 fc:30:sigmoid softmax:10",
		"rowsseq":  "rows rnn:10:seq fc:12 tanh gru:8x2 softmax:10",
		"stacked":  "rows lstm:8x2:seq softmax:10",
		"pixels":   "pixels rnn:4 softmax:10",
		"logits":   "fc:10",
		"lstm2gru": "rows lstm:12:seq gru:10 fc:10",
	}
	for _, p := range []string{"relu", "dropout", "best", "lstm", "gru", "rnn"} {
		pr, err := train.LookupPreset(p)
		if err != nil {
			t.Fatal(err)
		}
		specs[p] = pr.Spec
	}
	return specs
}

// randomNet builds spec on 28×28 images with every parameter drawn
// afresh, weights of about the size of trained ones (batch
// normalisation's variances positive), so that no parameter is a
// constant an export could get wrong unseen.
func randomNet(t testing.TB, spec string, seed uint64) *nn.Network {
	t.Helper()
	s, err := nn.ParseSpec(spec)
	if err != nil {
		t.Fatal(err)
	}
	net, err := nn.New(nn.Config{Spec: s, In: nn.Shape{C: 1, H: 28, W: 28}, MaxBatch: 16, Seed: seed, Init: nn.InitPyTorch})
	if err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(seed, 7))
	for _, p := range net.Params() {
		std := 0.1 // biases, batch normalisation's scales and shifts
		if sh := p.Value.Shape; len(sh) > 1 {
			std = 0.7 / math.Sqrt(float64(p.Value.Len()/sh[0])) // as trained weights: about 1/√fan-in
		}
		for i := range p.Value.Data {
			v := float32(rng.NormFloat64() * std)
			if strings.HasSuffix(p.Name, "running_var") {
				v = 0.5 + float32(rng.Float64())
			}
			p.Value.Data[i] = v
		}
	}
	return net
}

// images returns n random 28×28 images in [0, 1].
func images(n int, seed uint64) []float32 {
	rng := rand.New(rand.NewPCG(seed, 3))
	x := make([]float32, n*784)
	for i := range x {
		x[i] = float32(rng.Float64())
	}
	return x
}

// forward returns a copy of net's output for x, n examples, at inference.
func forward(net *nn.Network, x []float32, n int) []float32 {
	return append([]float32(nil), net.Forward(x, n, false)...)
}

// charNet is a character model: its embed layer has no ONNX form.
func charNet(t testing.TB) *nn.Network {
	s, err := nn.ParseSpec("embed:16x4 lstm:8:seq softmax:16")
	if err != nil {
		t.Fatal(err)
	}
	net, err := nn.New(nn.Config{Spec: s, In: nn.Shape{C: 1, H: 1, W: 1, Flat: true, T: 5}, MaxBatch: 2})
	if err != nil {
		t.Fatal(err)
	}
	return net
}
