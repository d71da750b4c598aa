package f32

import "math"

// SigmoidRef sets y[i] = 1/(1+e^-x[i]), computed in float64 without
// overflow for large |x|.
func SigmoidRef(x, y []float32) {
	y = y[:len(x)]
	for i, v := range x {
		if v >= 0 {
			y[i] = float32(1 / (1 + math.Exp(-float64(v))))
		} else {
			e := math.Exp(float64(v))
			y[i] = float32(e / (1 + e))
		}
	}
}

// TanhRef sets y[i] = tanh(x[i]), computed in float64.
func TanhRef(x, y []float32) {
	y = y[:len(x)]
	for i, v := range x {
		y[i] = float32(math.Tanh(float64(v)))
	}
}

// Sigmoid sets y[i] = 1/(1+e^-x[i]), computed in float32 (the method and
// its accuracy against SigmoidRef are described below, at the constants),
// with the fastest variant this processor runs; every variant gives the
// same bits. x and y may be the same slice.
func Sigmoid(x, y []float32) {
	if len(y) < len(x) {
		panic("f32.Sigmoid: y shorter than x")
	}
	sigmoid(x, y[:len(x)])
}

// Tanh sets y[i] = tanh(x[i]), computed in float32 (see below), with the
// fastest variant this processor runs; every variant gives the same bits.
// x and y may be the same slice.
func Tanh(x, y []float32) {
	if len(y) < len(x) {
		panic("f32.Tanh: y shorter than x")
	}
	tanh(x, y[:len(x)])
}

// The float32 sigmoid and tanh. The assembly variants (activation_amd64.s)
// perform exactly the operations below, in the same order, each rounded to
// float32 (the explicit conversions forbid fusing a product and a sum into
// an FMA), so they match these Go twins bit for bit; only the payload of a
// NaN may differ.
//
// exp32(t) = 2^n · e^r with t = n·ln2 + r (Cephes expf):
//   - n = round(t·log2e), to nearest even, by adding and subtracting
//     1.5·2^23; the sum k holds n in its low mantissa bits;
//   - r = (t − n·ln2Hi) − n·ln2Lo (Cody–Waite: ln2Hi has 9 significant bits,
//     so n·ln2Hi and the first difference are exact), |r| ≲ ln2/2;
//   - e^r ≈ ((P(r)·r² + r) + 1), P of degree 5 in Horner form;
//   - 2^n from the bits of k: (bits(k) << 23) + bits(1.0) is the float
//     with exponent n for n in [−126, 127], and +0 for n = −127.
//
// sigmoidGo(x): t = −|x| clamped to [−88, 0], e = exp32(t) (n ∈ [−127, 0],
// no overflow; e = 0 for x ≤ −87.68, where the exact value is below 2^−126);
// y = 1/(1+e) for x ≥ 0 and e/(1+e) for x < 0 (chosen by the sign bit:
// for −0, e = 1), a true division. It is exactly 1 for x ≥ 16.7 (1+e
// rounds to 1) and exactly 0 for x ≤ −87.68.
//
// tanhGo(x): a = |x| clamped to ≤ 10; for a < 0.625 the Cephes tanhf
// polynomial a + a·z·Q(z), z = a², else 1 − 2/(exp32(2a)+1) (exactly 1 for
// a ≥ 9.02); the sign of x is then put back, so tanh(−0) = −0.
//
// NaN in gives NaN out (the clamps keep a NaN, and every later operation
// propagates it); ±Inf give 0 and 1, or ±1.
//
// Accuracy, measured against SigmoidRef and TanhRef (float64 rounded to
// float32) and against the float64 value itself, over every float32 in
// [−20, 20] and every 64th float32 beyond (TestActivationAccuracy checks a
// sample and the neighbourhoods of the maxima; DEEPNET_EXHAUSTIVE=1 checks
// them all, in about a minute per function on two cores):
//   - sigmoid: at most 2 ulp from SigmoidRef (at x = −1.0988) and 2.40 ulp
//     from the exact value (at x = −4.1573). The worst cases are x < 0,
//     where exp32's error (at most 0.97 ulp) counts twice when e/(1+e) falls
//     in the binade below e's; for x ≥ 0 it is 1 ulp from SigmoidRef, 1.50
//     from exact. Small values keep their relative accuracy: 2 ulp (2.12
//     from exact) for the values in [2^−126, 2^−20), x in [−87.3, −14.6];
//     below 2^−126 the absolute error is under 2^−126.
//   - tanh: at most 1 ulp from TanhRef and 1.33 ulp from the exact value
//     (at |x| = 0.6283, just past the switch to the exponential); tanh(x) =
//     x, as TanhRef, for |x| < 2^−20.
const (
	expLog2e  float32 = 1.44269504088896341
	expMagic  float32 = 12582912 // 1.5·2^23
	expLn2Hi  float32 = 0.693359375
	expLn2Lo  float32 = -2.12194440e-4
	expP0     float32 = 1.9875691500e-4
	expP1     float32 = 1.3981999507e-3
	expP2     float32 = 8.3334519073e-3
	expP3     float32 = 4.1665795894e-2
	expP4     float32 = 1.6666665459e-1
	expP5     float32 = 5.0000001201e-1
	sigmoidLo float32 = -88 // round(−88·log2e) = −127: exp32 gives +0
	tanhHi    float32 = 10
	tanhSmall float32 = 0.625
	tanhQ0    float32 = -5.70498872745e-3
	tanhQ1    float32 = 2.06390887954e-2
	tanhQ2    float32 = -5.37397155531e-2
	tanhQ3    float32 = 1.33314422036e-1
	tanhQ4    float32 = -3.33332819422e-1
	signBit           = 1 << 31
)

// exp32 returns e^t for t in [−88, 88]; a NaN t gives a NaN.
func exp32(t float32) float32 {
	k := float32(t*expLog2e) + expMagic
	n := k - expMagic
	r := t - float32(n*expLn2Hi)
	r -= float32(n * expLn2Lo)
	z := float32(r * r)
	p := float32(expP0*r) + expP1
	p = float32(p*r) + expP2
	p = float32(p*r) + expP3
	p = float32(p*r) + expP4
	p = float32(p*r) + expP5
	p = float32(p*z) + r
	p += 1
	s := math.Float32frombits(math.Float32bits(k)<<23 + math.Float32bits(1))
	return p * s
}

// sigmoid1 is the float32 sigmoid of one value (see above).
func sigmoid1(v float32) float32 {
	t := math.Float32frombits(math.Float32bits(v) | signBit) // −|v|
	if t < sigmoidLo {
		t = sigmoidLo
	}
	e := exp32(t)
	d := e + 1
	num := float32(1)
	if math.Float32bits(v)&signBit != 0 { // x < 0, or −0 (then e = 1)
		num = e
	}
	return num / d
}

// tanh1 is the float32 tanh of one value (see above).
func tanh1(v float32) float32 {
	b := math.Float32bits(v)
	a := math.Float32frombits(b &^ signBit)
	if a > tanhHi {
		a = tanhHi
	}
	var r float32
	if a < tanhSmall {
		z := float32(a * a)
		q := float32(tanhQ0*z) + tanhQ1
		q = float32(q*z) + tanhQ2
		q = float32(q*z) + tanhQ3
		q = float32(q*z) + tanhQ4
		q = float32(q * z)
		r = float32(q*a) + a
	} else {
		e := exp32(a + a)
		r = 1 - 2/(e+1)
	}
	return math.Float32frombits(math.Float32bits(r) | b&signBit)
}

// sigmoidGo is the pure-Go float32 sigmoid, the twin of the assembly
// variants: y[i] = sigmoid1(x[i]), len(y) ≥ len(x).
func sigmoidGo(x, y []float32) {
	y = y[:len(x)]
	for i, v := range x {
		y[i] = sigmoid1(v)
	}
}

// tanhGo is the pure-Go float32 tanh, the twin of the assembly variants.
func tanhGo(x, y []float32) {
	y = y[:len(x)]
	for i, v := range x {
		y[i] = tanh1(v)
	}
}
