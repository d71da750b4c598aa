package f32

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"
)

// squares returns n non-negative values, as second moments are.
func squares(rng *rand.Rand, n int) []float32 {
	s := randSlice(rng, n)
	for i := range s {
		s[i] *= s[i]
	}
	return s
}

// withSpecials puts values that test the edges of the arithmetic into x:
// zeros, a tiny and a huge value.
func withSpecials(x []float32) []float32 {
	for i, v := range []float32{0, 1e-30, -3e3, 0} {
		if i*7 < len(x) {
			x[i*7] = v
		}
	}
	return x
}

func TestAdamUpdate(t *testing.T) {
	rng := rand.New(rand.NewPCG(29, 30))
	scalars := []AdamScalars{
		{Decay: 2e-5, Beta1: 0.9, Beta2: 0.999, OneMinusBeta1: 0.1, OneMinusBeta2: 0.001, Rate: 0.01, SqrtCorrection2: 0.0316, Eps: 1e-8},
		{Beta1: 0, Beta2: 0.5, OneMinusBeta1: 1, OneMinusBeta2: 0.5, Rate: 3e-4, SqrtCorrection2: 1, Eps: 0.1},
	}
	forEachVariant(t, func(t *testing.T) {
		for _, n := range append(oddSizes, 1000, 70001) {
			w0, g := randSlice(rng, n), withSpecials(randSlice(rng, n))
			m0, v0 := randSlice(rng, n), withSpecials(squares(rng, n))
			for k, s := range scalars {
				wantW, wantM, wantV := clone(w0), clone(m0), clone(v0)
				AdamUpdateRef(wantW, g, wantM, wantV, s)
				fullW, w := withGuards(n)
				fullM, m := withGuards(n)
				fullV, v := withGuards(n)
				copy(w, w0)
				copy(m, m0)
				copy(v, v0)
				AdamUpdate(w, g, m, v, s)
				name := fmt.Sprintf("AdamUpdate n=%d scalars %d", n, k)
				checkOuter(t, name, fullW)
				checkOuter(t, name, fullM)
				checkOuter(t, name, fullV)
				sameBits(t, name+" w", w, wantW)
				sameBits(t, name+" m", m, wantM)
				sameBits(t, name+" v", v, wantV)
			}
		}
	})
}

func TestRMSpropUpdate(t *testing.T) {
	rng := rand.New(rand.NewPCG(31, 32))
	forEachVariant(t, func(t *testing.T) {
		for _, n := range append(oddSizes, 1000, 70001) {
			w0, g, v0 := randSlice(rng, n), withSpecials(randSlice(rng, n)), withSpecials(squares(rng, n))
			for _, c := range []struct{ lr, decay, alpha, eps float32 }{{0.01, 2e-5, 0.99, 1e-8}, {1e-3, 0, 0.5, 0.25}} {
				wantW, wantV := clone(w0), clone(v0)
				RMSpropUpdateRef(wantW, g, wantV, c.lr, c.decay, c.alpha, 1-c.alpha, c.eps)
				fullW, w := withGuards(n)
				fullV, v := withGuards(n)
				copy(w, w0)
				copy(v, v0)
				RMSpropUpdate(w, g, v, c.lr, c.decay, c.alpha, 1-c.alpha, c.eps)
				name := fmt.Sprintf("RMSpropUpdate n=%d %+v", n, c)
				checkOuter(t, name, fullW)
				checkOuter(t, name, fullV)
				sameBits(t, name+" w", w, wantW)
				sameBits(t, name+" v", v, wantV)
			}
		}
	})
}

// TestAdaptiveRefs checks the references against the formulas in float64:
// each differs from them by the roundings of a few float32 operations.
func TestAdaptiveRefs(t *testing.T) {
	rng := rand.New(rand.NewPCG(33, 34))
	const n = 999
	w0, g, m0, v0 := randSlice(rng, n), randSlice(rng, n), randSlice(rng, n), squares(rng, n)
	s := AdamScalars{Decay: 0.01, Beta1: 0.9, Beta2: 0.999, OneMinusBeta1: 0.1, OneMinusBeta2: 0.001, Rate: 0.01, SqrtCorrection2: 0.0316, Eps: 1e-8}
	w, m, v := clone(w0), clone(m0), clone(v0)
	AdamUpdateRef(w, g, m, v, s)
	for i := range w {
		d := float64(g[i]) + float64(s.Decay)*float64(w0[i])
		mi := float64(s.Beta1)*float64(m0[i]) + float64(s.OneMinusBeta1)*d
		vi := float64(s.Beta2)*float64(v0[i]) + float64(s.OneMinusBeta2)*d*d
		// The step from the float32 moments: each stage is checked on its own.
		step := float64(s.Rate) * float64(m[i]) / (math.Sqrt(float64(v[i]))/float64(s.SqrtCorrection2) + float64(s.Eps))
		near(t, "Adam m", i, m[i], mi, 1e-6*(math.Abs(float64(s.Beta1*m0[i]))+math.Abs(float64(s.OneMinusBeta1)*d)))
		near(t, "Adam v", i, v[i], vi, 1e-6*vi+1e-15)
		near(t, "Adam step", i, w0[i]-w[i], step, 1e-5*math.Abs(step)+1e-7*math.Abs(float64(w0[i])))
	}
	lr, decay, alpha := float32(0.01), float32(0.01), float32(0.99)
	w, v = clone(w0), clone(v0)
	RMSpropUpdateRef(w, g, v, lr, decay, alpha, 1-alpha, 1e-8)
	for i := range w {
		d := float64(g[i]) + float64(decay)*float64(w0[i])
		vi := float64(alpha)*float64(v0[i]) + float64(1-alpha)*d*d
		step := float64(lr) * d / (math.Sqrt(float64(v[i])) + 1e-8)
		near(t, "RMSprop v", i, v[i], vi, 1e-6*vi+1e-15)
		near(t, "RMSprop step", i, w0[i]-w[i], step, 1e-5*math.Abs(step)+1e-7*math.Abs(float64(w0[i])))
	}
}

// TestSumSquares checks every variant bit for bit against the reference,
// and the reference against a float64 sum.
func TestSumSquares(t *testing.T) {
	rng := rand.New(rand.NewPCG(35, 36))
	forEachVariant(t, func(t *testing.T) {
		for _, n := range append(oddSizes, 1000, 70001) {
			x := randSlice(rng, n)
			want := SumSquaresRef(x)
			sameBits64(t, fmt.Sprint("SumSquares n=", n), SumSquares(x), want)
			var plain float64
			for _, v := range x {
				plain += float64(v) * float64(v)
			}
			if math.Abs(plain-want) > 1e-12*plain {
				t.Fatalf("SumSquaresRef n=%d = %v, float64 sum %v", n, want, plain)
			}
		}
	})
}

func clone(x []float32) []float32 { return append([]float32(nil), x...) }

// near fails unless |got - want| ≤ tol.
func near(t *testing.T, what string, i int, got float32, want, tol float64) {
	t.Helper()
	if !(math.Abs(float64(got)-want) <= tol) {
		t.Fatalf("%s[%d] = %v, float64 %v", what, i, got, want)
	}
}
