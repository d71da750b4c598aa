package f32

import (
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"runtime"
	"sync"
	"testing"
)

// activationInput is n values at several scales (around 0, the gates' usual
// range, the clamps) with the special values of activationSpecials mixed in.
func activationInput(rng *rand.Rand, n int) []float32 {
	x := make([]float32, n)
	for i := range x {
		switch rng.IntN(8) {
		case 0:
			x[i] = activationSpecials[rng.IntN(len(activationSpecials))]
		case 1:
			x[i] = (rng.Float32()*2 - 1) * 0.7
		case 2:
			x[i] = (rng.Float32()*2 - 1) * 100
		default:
			x[i] = (rng.Float32()*2 - 1) * 12
		}
	}
	return x
}

var activationSpecials = []float32{
	0, float32(math.Copysign(0, -1)), float32(math.Inf(1)), float32(math.Inf(-1)), float32(math.NaN()),
	88, -88, 87.5, -87.5, 88.8, -88.8, 1e30, -1e30, math.MaxFloat32, -math.MaxFloat32,
	math.SmallestNonzeroFloat32, -math.SmallestNonzeroFloat32, 0x1p-127, -0x1p-127, 0x1p-126, -0x1p-126,
	0.625, -0.625, math.Nextafter32(0.625, 0), -math.Nextafter32(0.625, 0), 10, -10, 9.02, -9.02,
	16.7, -16.7, 20, -20, 1, -1,
}

// TestSigmoidTanh checks every variant of Sigmoid and Tanh against the Go
// twins bit for bit (a NaN may be any NaN), with guards around the output,
// and in place.
func TestSigmoidTanh(t *testing.T) {
	rng := rand.New(rand.NewPCG(51, 52))
	sizes := append(append([]int(nil), oddSizes...), 127, 128, 129, 1000, 4096+13)
	for _, v := range activationVariants() {
		t.Run(v.name, func(t *testing.T) {
			defer v.enable()()
			for _, n := range sizes {
				x := activationInput(rng, n)
				for _, f := range []struct {
					name       string
					fast, twin func(x, y []float32)
				}{{"Sigmoid", Sigmoid, sigmoidGo}, {"Tanh", Tanh, tanhGo}} {
					want := make([]float32, n)
					f.twin(x, want)
					full, y := withGuards(n)
					f.fast(x, y)
					what := fmt.Sprint(f.name, " n=", n)
					checkOuter(t, what, full)
					sameOrNaN(t, what, y, want)

					full, y = guardedCopy(x) // in place
					f.fast(y, y)
					checkOuter(t, what+" in place", full)
					sameOrNaN(t, what+" in place", y, want)
				}
			}
		})
	}
}

// TestActivationSpecial checks the special values in every variant, each
// at several positions in a vector and in the tail.
func TestActivationSpecial(t *testing.T) {
	negZero := float32(math.Copysign(0, -1))
	inf := float32(math.Inf(1))
	nan := float32(math.NaN())
	tiny := float32(math.SmallestNonzeroFloat32)
	below1 := math.Nextafter32(1, 0)
	cases := []struct{ x, sig, tanh float32 }{
		{0, 0.5, 0}, {negZero, 0.5, negZero},
		{inf, 1, 1}, {-inf, 0, -1},
		{88, 1, 1}, {-88, 0, -1}, {1e30, 1, 1}, {-1e30, 0, -1},
		{math.MaxFloat32, 1, 1}, {-math.MaxFloat32, 0, -1},
		{tiny, 0.5, tiny}, {-tiny, 0.5, -tiny}, {0x1p-127, 0.5, 0x1p-127}, {-0x1p-126, 0.5, -0x1p-126},
		{17, 1, 1}, {-87.7, 0, -1},
		{9.02, -1, 1}, {-9.02, -1, -1}, {9, -1, below1}, {-9, -1, -below1}, // sig −1: tanh only
		{nan, nan, nan}, {-nan, nan, nan}, {math.Float32frombits(0x7f800001), nan, nan}, // signalling
	}
	n := 5*len(cases) + 3
	x := make([]float32, n)
	for i := range x {
		x[i] = cases[i%len(cases)].x
	}
	for _, v := range activationVariants() {
		t.Run(v.name, func(t *testing.T) {
			defer v.enable()()
			s, th := make([]float32, n), make([]float32, n)
			Sigmoid(x, s)
			Tanh(x, th)
			for i := range x {
				c := cases[i%len(cases)]
				if c.x != c.x {
					if s[i] == s[i] || th[i] == th[i] {
						t.Errorf("Sigmoid, Tanh(%v) = %v, %v, want NaN", c.x, s[i], th[i])
					}
					continue
				}
				if c.sig != -1 && math.Float32bits(s[i]) != math.Float32bits(c.sig) {
					t.Errorf("Sigmoid(%v) = %v, want %v", c.x, s[i], c.sig)
				}
				if math.Float32bits(th[i]) != math.Float32bits(c.tanh) {
					t.Errorf("Tanh(%v) = %v, want %v", c.x, th[i], c.tanh)
				}
			}
		})
	}
}

// activationErr is the error of Sigmoid or Tanh over a set of inputs,
// against the Ref (rounded to float32) and against the float64 value.
type activationErr struct {
	n int64
	// Where the exact value is at least 2^−20 in magnitude, and where it
	// is in [2^−126, 2^−20): the distance to the Ref in ulps (floats
	// between) and the error in ulps of the rounded exact value.
	ulp, ulpSmall   int64
	frac, fracSmall float64
	// abs is the absolute error where the exact value is below 2^−20.
	abs float64
	// at: the arguments of the maxima (ulp, frac, ulpSmall, fracSmall, abs).
	at [5]float32
}

func (e *activationErr) merge(o activationErr) {
	e.n += o.n
	for _, p := range []struct {
		dst, src *int64
		at       int
	}{{&e.ulp, &o.ulp, 0}, {&e.ulpSmall, &o.ulpSmall, 2}} {
		if *p.src > *p.dst {
			*p.dst, e.at[p.at] = *p.src, o.at[p.at]
		}
	}
	for _, p := range []struct {
		dst, src *float64
		at       int
	}{{&e.frac, &o.frac, 1}, {&e.fracSmall, &o.fracSmall, 3}, {&e.abs, &o.abs, 4}} {
		if *p.src > *p.dst {
			*p.dst, e.at[p.at] = *p.src, o.at[p.at]
		}
	}
}

func (e activationErr) String() string {
	return fmt.Sprintf("%d values: %d ulp from the Ref (at %v), %.3f ulp from exact (at %v); "+
		"below 2^-20: %d ulp (at %v), %.3f ulp (at %v), absolute %.3g (at %v)",
		e.n, e.ulp, e.at[0], e.frac, e.at[1], e.ulpSmall, e.at[2], e.fracSmall, e.at[3], e.abs, e.at[4])
}

// ulpOf is the spacing of the float32 values at |y|.
func ulpOf(y float32) float64 {
	a := math.Abs(float64(y))
	if a < 0x1p-126 {
		return 0x1p-149
	}
	_, e := math.Frexp(a)
	return math.Ldexp(1, e-24)
}

// orderedBits maps float32 to integers in the order of the values, so that
// the difference of two is the number of floats between them.
func orderedBits(f float32) int64 {
	b := int64(math.Float32bits(f))
	if b&signBit != 0 {
		return -(b &^ signBit)
	}
	return b
}

// measureActivation adds the errors of Sigmoid (sig) or Tanh on x.
func measureActivation(sig bool, x []float32, e *activationErr) {
	got, ref := make([]float32, len(x)), make([]float32, len(x))
	if sig {
		Sigmoid(x, got)
		SigmoidRef(x, ref)
	} else {
		Tanh(x, got)
		TanhRef(x, ref)
	}
	var o activationErr
	for i, v := range x {
		var ex float64
		switch {
		case !sig:
			ex = math.Tanh(float64(v))
		case v >= 0:
			ex = 1 / (1 + math.Exp(-float64(v)))
		default:
			ex = math.Exp(float64(v))
			ex /= 1 + ex
		}
		d := orderedBits(got[i]) - orderedBits(ref[i])
		d = max(d, -d)
		f := math.Abs(float64(got[i])-ex) / ulpOf(ref[i])
		a := math.Abs(ex)
		switch {
		case a >= 0x1p-20:
			if d > o.ulp {
				o.ulp, o.at[0] = d, v
			}
			if f > o.frac {
				o.frac, o.at[1] = f, v
			}
			continue
		case a >= 0x1p-126:
			if d > o.ulpSmall {
				o.ulpSmall, o.at[2] = d, v
			}
			if f > o.fracSmall {
				o.fracSmall, o.at[3] = f, v
			}
		}
		if ab := math.Abs(float64(got[i]) - ex); ab > o.abs {
			o.abs, o.at[4] = ab, v
		}
	}
	o.n = int64(len(x))
	e.merge(o)
}

// sweepActivation measures Sigmoid or Tanh on every step-th float32 from
// lo to hi (bit patterns of non-negative floats), with both signs, on all
// processors.
func sweepActivation(sig bool, lo, hi, step uint32) activationErr {
	var total activationErr
	var mu sync.Mutex
	var wg sync.WaitGroup
	parts := uint32(runtime.GOMAXPROCS(0) * 4)
	span := (hi - lo) / step / parts * step
	for p := range parts {
		a, b := lo+p*span, lo+(p+1)*span
		if p == parts-1 {
			b = hi + 1
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			var e activationErr
			x := make([]float32, 0, 1<<13)
			for i := uint64(a); i < uint64(b); i += uint64(step) {
				v := math.Float32frombits(uint32(i))
				x = append(x, v, -v)
				if len(x) == cap(x) {
					measureActivation(sig, x, &e)
					x = x[:0]
				}
			}
			measureActivation(sig, x, &e)
			mu.Lock()
			total.merge(e)
			mu.Unlock()
		}()
	}
	wg.Wait()
	return total
}

// TestActivationAccuracy checks the error bounds stated in activation.go:
// by default on every 251st float32 in [−20, 20], every 4099th beyond, and
// every float32 near the arguments where the exhaustive sweep found the
// maxima; with DEEPNET_EXHAUSTIVE=1, on every float32 in [−20, 20] and
// every 64th beyond (about a minute per function on two cores).
func TestActivationAccuracy(t *testing.T) {
	step, stepOut := uint32(251), uint32(4099)
	if testing.Short() {
		step, stepOut = 4001, 40009
	}
	exhaustive := os.Getenv("DEEPNET_EXHAUSTIVE") == "1"
	if exhaustive {
		step, stepOut = 1, 64
	}
	b20 := math.Float32bits(20)
	for _, f := range []struct {
		name string
		sig  bool
		// the bounds: ulps from the Ref and from exact, where the exact
		// value is at least 2^−20 and where it is in [2^−126, 2^−20)
		ulp, ulpSmall   int64
		frac, fracSmall float64
		worst           []float32 // where the exhaustive sweep found the maxima
	}{
		{"Sigmoid", true, 2, 2, 2.41, 2.13, []float32{-1.0987998, -4.157294, -13.927813, -15.538146, -14.059504}},
		{"Tanh", false, 1, 0, 1.34, 0.01, []float32{0.00035211173, 0.62830955}},
	} {
		e := sweepActivation(f.sig, 0, b20, step)
		e.merge(sweepActivation(f.sig, b20, 0x7f800000, stepOut))
		for _, w := range f.worst { // the maxima, and the floats around them
			c := math.Float32bits(w) &^ signBit
			e.merge(sweepActivation(f.sig, c-1<<12, c+1<<12, 1))
		}
		t.Logf("%s: %v", f.name, e)
		if e.ulp > f.ulp || e.frac > f.frac || e.ulpSmall > f.ulpSmall || e.fracSmall > f.fracSmall || e.abs > 1e-7 {
			t.Errorf("%s: %v; want at most %d ulp from the Ref and %.2f from exact (%d and %.2f below 2^-20), absolute 1e-7",
				f.name, e, f.ulp, f.frac, f.ulpSmall, f.fracSmall)
		}
	}
}

func TestActivationNoAlloc(t *testing.T) {
	x, y := make([]float32, 4096), make([]float32, 4096)
	if a := testing.AllocsPerRun(5, func() { Sigmoid(x, y); Tanh(y, y) }); a != 0 {
		t.Errorf("Sigmoid, Tanh: %v allocations per call", a)
	}
}

func TestActivationShortOutput(t *testing.T) {
	for name, f := range map[string]func(x, y []float32){"Sigmoid": Sigmoid, "Tanh": Tanh} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("%s with a short y did not panic", name)
				}
			}()
			f(make([]float32, 3), make([]float32, 2))
		}()
	}
}
