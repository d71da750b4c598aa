// Package nettest builds networks for the tests of the packages above nn.
package nettest

import (
	"math/rand/v2"
	"testing"

	"github.com/deepnet-go/deepnet/nn"
)

// MNIST is the shape of an MNIST image.
var MNIST = nn.Shape{C: 1, H: 28, W: 28}

// New builds the network spec describes on inputs of shape in, for batches
// of up to maxBatch examples, its weights drawn from seed; any error fails
// the test.
func New(t testing.TB, spec string, in nn.Shape, maxBatch int, seed uint64) *nn.Network {
	t.Helper()
	s, err := nn.ParseSpec(spec)
	if err != nil {
		t.Fatal(err)
	}
	net, err := nn.New(nn.Config{Spec: s, In: in, MaxBatch: maxBatch, Seed: seed})
	if err != nil {
		t.Fatal(err)
	}
	return net
}

// Randomize draws every parameter of net from N(0, scale²), seeded with
// seed: the softmax layer starts at zero, where every class is equally
// likely and a test of outputs sees little.
func Randomize(net *nn.Network, seed uint64, scale float64) {
	rng := rand.New(rand.NewPCG(seed, 7))
	for _, p := range net.Params() {
		for i := range p.Value.Data {
			p.Value.Data[i] = float32(rng.NormFloat64() * scale)
		}
	}
}
