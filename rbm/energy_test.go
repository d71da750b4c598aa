package rbm

import (
	"fmt"
	"math"
	"testing"
)

// variants are the kinds of visible units.
var variants = []Config{
	{Visible: 7, Hidden: 5, Seed: 1},
	{Visible: 7, Hidden: 5, Gaussian: true, Seed: 2},
	{Visible: 9, Hidden: 5, Labels: 3, Seed: 3},
	{Visible: 9, Hidden: 5, Labels: 3, Gaussian: true, Seed: 4},
}

func name(c Config) string {
	return fmt.Sprintf("%dx%d_gaussian=%v_labels=%d", c.Visible, c.Hidden, c.Gaussian, c.Labels)
}

// TestFreeEnergy: FreeEnergy is the definition's value, computed here in
// float64.
func TestFreeEnergy(t *testing.T) {
	for _, c := range variants {
		r := randomRBM(t, c, 0.7)
		d := randomVectors(r, 6, 5)
		for i, f := range r.FreeEnergy(d.X, d.N) {
			want := freeEnergy64(r, d.X[i*d.D:(i+1)*d.D])
			if math.Abs(f-want) > 1e-5*(1+math.Abs(want)) {
				t.Errorf("%s: F(v%d) = %v, want %v", name(c), i, f, want)
			}
		}
	}
}

// TestGradientsAreTheFreeEnergys: the gradient a step writes, from
// positive statistics (vectors v0, their hidden probabilities) and
// negative ones (vn, theirs), is the gradient of mean F(v0) − mean F(vn),
// which central differences of the float64 free energy give.
func TestGradientsAreTheFreeEnergys(t *testing.T) {
	for _, c := range variants {
		t.Run(name(c), func(t *testing.T) {
			r := randomRBM(t, c, 0.5)
			const n = 4
			v0, vn := randomVectors(r, n, 1), randomVectors(r, n, 2)
			ph0, phn := make([]float32, n*r.Hidden), make([]float32, n*r.Hidden)
			r.HiddenProbs(v0.X, n, ph0)
			r.HiddenProbs(vn.X, n, phn)
			o := &CD{r: r, sumV: make([]float64, r.Visible), sumH: make([]float64, r.Hidden)}
			o.gradients(v0.X, ph0, vn.X, phn, n)
			loss := func() float64 {
				var l float64
				for i := range n {
					l += freeEnergy64(r, v0.X[i*r.Visible:(i+1)*r.Visible]) - freeEnergy64(r, vn.X[i*r.Visible:(i+1)*r.Visible])
				}
				return l / n
			}
			for _, p := range r.Params() {
				for i := range p.Value.Data {
					w := p.Value.Data[i]
					const h = 1e-2
					p.Value.Data[i] = w + h
					up := loss()
					p.Value.Data[i] = w - h
					down := loss()
					p.Value.Data[i] = w
					want := (up - down) / float64((w+h)-(w-h))
					if got := float64(p.Grad.Data[i]); math.Abs(got-want) > 1e-4+1e-3*math.Abs(want) {
						t.Errorf("%s[%d]: gradient %v, central difference %v", p.Name, i, got, want)
					}
				}
			}
		})
	}
}

// TestExactLogZByHand: the partition function of a 2×2 RBM, summed here
// over its 16 states, and those of a Gaussian unit (integrated
// numerically) and of a label group.
func TestExactLogZByHand(t *testing.T) {
	r := randomRBM(t, Config{Visible: 2, Hidden: 2, Seed: 1}, 1)
	W, b, c := r.W.Value.Data, r.VBias.Value.Data, r.HBias.Value.Data
	var z float64
	for s := range 16 {
		v := [2]float64{float64(s & 1), float64(s >> 1 & 1)}
		h := [2]float64{float64(s >> 2 & 1), float64(s >> 3 & 1)}
		e := 0.0
		for i := range 2 {
			e -= float64(b[i]) * v[i]
			e -= float64(c[i]) * h[i]
			for j := range 2 {
				e -= h[j] * float64(W[j*2+i]) * v[i]
			}
		}
		z += math.Exp(-e)
	}
	if got, err := ExactLogZ(r); err != nil || math.Abs(got-math.Log(z)) > 1e-12 {
		t.Errorf("2×2: log Z %v (%v), by hand %v", got, err, math.Log(z))
	}

	// One Gaussian unit, two hidden: Σ_h ∫ e^(−(v−b)²/2 + c·h + v·Wᵀh) dv.
	g := randomRBM(t, Config{Visible: 1, Hidden: 2, Gaussian: true, Seed: 2}, 1)
	W, b, c = g.W.Value.Data, g.VBias.Value.Data, g.HBias.Value.Data
	z = 0
	const dv = 1e-3
	for v := -40.0; v <= 40; v += dv {
		for s := range 4 {
			h := [2]float64{float64(s & 1), float64(s >> 1)}
			z += math.Exp(-(v-float64(b[0]))*(v-float64(b[0]))/2+float64(c[0])*h[0]+float64(c[1])*h[1]+v*(float64(W[0])*h[0]+float64(W[1])*h[1])) * dv
		}
	}
	if got, err := ExactLogZ(g); err != nil || math.Abs(got-math.Log(z)) > 1e-9 {
		t.Errorf("Gaussian: log Z %v (%v), integrated %v", got, err, math.Log(z))
	}
}

// TestExactLogZ: the sum over hidden states (in blocks, Gray code within
// each) is the sum of e^−F(v) over every visible state, for an RBM of 14
// hidden units (16 blocks) and one with labels.
func TestExactLogZ(t *testing.T) {
	for _, c := range []Config{{Visible: 10, Hidden: 14, Seed: 3}, {Visible: 9, Hidden: 11, Labels: 3, Seed: 4}} {
		r := randomRBM(t, c, 0.6)
		B := r.binary()
		var terms []float64
		v := make([]float32, r.Visible)
		for s := range 1 << B {
			for l := range max(r.Labels, 1) {
				for i := range v {
					v[i] = 0
				}
				for i := range B {
					v[i] = float32(s >> i & 1)
				}
				if r.Labels > 0 {
					v[B+l] = 1
				}
				terms = append(terms, -freeEnergy64(r, v))
			}
		}
		want := logSumExp(terms)
		if got, err := ExactLogZ(r); err != nil || math.Abs(got-want) > 1e-9*math.Abs(want) {
			t.Errorf("%s: log Z %v (%v), over the visible states %v", name(c), got, err, want)
		}
	}
	if _, err := ExactLogZ(randomRBM(t, Config{Visible: 3, Hidden: 21}, 1)); err == nil {
		t.Error("21 hidden units: no error")
	}
}
