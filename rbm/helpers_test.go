package rbm

import (
	"math"
	"math/rand/v2"
	"sync"
	"testing"

	"github.com/deepnet-go/deepnet/data"
	"github.com/deepnet-go/deepnet/data/mnist"
)

// randomRBM returns an RBM of cfg with every parameter drawn from
// N(0, scale²).
func randomRBM(t testing.TB, cfg Config, scale float64) *RBM {
	t.Helper()
	r, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(cfg.Seed, 99))
	for _, p := range r.Params() {
		for i := range p.Value.Data {
			p.Value.Data[i] = float32(scale * rng.NormFloat64())
		}
	}
	return r
}

// randomVectors returns n visible vectors for r: probabilities (binary
// units), normal values (Gaussian ones), one-hot labels.
func randomVectors(r *RBM, n int, seed uint64) *Matrix {
	rng := rand.New(rand.NewPCG(seed, 7))
	m := &Matrix{X: make([]float32, n*r.Visible), N: n, D: r.Visible}
	for i := range n {
		row := m.X[i*r.Visible : (i+1)*r.Visible]
		for j := range r.binary() {
			if r.Gaussian {
				row[j] = float32(rng.NormFloat64())
			} else {
				row[j] = rng.Float32()
			}
		}
		if r.Labels > 0 {
			row[r.binary()+rng.IntN(r.Labels)] = 1
		}
	}
	return m
}

// freeEnergy64 is F(v) computed here in float64 from the definition.
func freeEnergy64(r *RBM, v []float32) float64 {
	V, H := r.Visible, r.Hidden
	W, b, c := r.W.Value.Data, r.VBias.Value.Data, r.HBias.Value.Data
	var f float64
	for i := range V {
		if r.Gaussian && i < V-r.Labels {
			d := float64(v[i]) - float64(b[i])
			f += d * d / 2
		} else {
			f -= float64(b[i]) * float64(v[i])
		}
	}
	for j := range H {
		a := float64(c[j])
		for i := range V {
			a += float64(W[j*V+i]) * float64(v[i])
		}
		f -= math.Log1p(math.Exp(a))
	}
	return f
}

func sigmoid64(x float64) float64 { return 1 / (1 + math.Exp(-x)) }

// synthetic returns n random binary-ish 8×8 images: a few bars, so that
// an RBM has something to learn.
func synthetic(n int, seed uint64) *data.Set {
	rng := rand.New(rand.NewPCG(seed, 3))
	s := data.NewSet(n, 8, 8)
	for i := range n {
		img := s.Image(i)
		bar := rng.IntN(8)
		for p := range img {
			on := p/8 == bar || p%8 == (bar+3)%8
			if on != (rng.Float64() < 0.05) {
				img[p] = uint8(200 + rng.IntN(56))
			}
		}
		s.Labels[i] = uint8(bar % 4)
	}
	return s
}

func syntheticSplits(n int) *data.Splits {
	return &data.Splits{Train: synthetic(n, 1), Validation: synthetic(n/4, 2), Test: synthetic(n/4, 3)}
}

var mnistOnce struct {
	sync.Once
	s   *data.Splits
	err error
}

// loadMNIST returns MNIST (fetched on first use), or skips in -short mode.
func loadMNIST(t testing.TB) *data.Splits {
	t.Helper()
	if testing.Short() {
		t.Skip("MNIST in -short mode")
	}
	mnistOnce.Do(func() { mnistOnce.s, mnistOnce.err = mnist.LoadDefault("", nil) })
	if mnistOnce.err != nil {
		t.Fatal(mnistOnce.err)
	}
	return mnistOnce.s
}

// sameBits fails unless a and b are the same floats, bit for bit.
func sameBits(t testing.TB, what string, a, b []float32) {
	t.Helper()
	if len(a) != len(b) {
		t.Fatalf("%s: %d values, want %d", what, len(b), len(a))
	}
	for i := range a {
		if math.Float32bits(a[i]) != math.Float32bits(b[i]) {
			t.Fatalf("%s[%d] = %v, want %v", what, i, b[i], a[i])
		}
	}
}
