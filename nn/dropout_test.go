package nn

import (
	"fmt"
	"math"
	"slices"
	"strings"
	"testing"
)

// TestDropoutKeepsOneMinusP checks the fraction of kept values, their
// scale 1/(1-p), that the mean is preserved, that inference is the identity
// and that the gradient uses the same mask.
func TestDropoutKeepsOneMinusP(t *testing.T) {
	for _, p := range []float64{0.1, 0.5, 0.8} {
		in := Shape{C: 1000, H: 1, W: 1, Flat: true}
		l := NewDropout(DropoutSpec{P: p}, in, 20, 1, 2)
		x := make([]float32, 20000)
		for i := range x {
			x[i] = 1
		}
		y := l.Forward(x, 20, true)
		kept, sum := 0, 0.0
		for _, v := range y {
			if v != 0 {
				kept++
				if math.Abs(float64(v)-1/(1-p)) > 1e-5 {
					t.Fatalf("p=%v: kept value %v, want %v", p, v, 1/(1-p))
				}
			}
			sum += float64(v)
		}
		frac := float64(kept) / float64(len(y))
		if math.Abs(frac-(1-p)) > 0.015 || math.Abs(sum/float64(len(y))-1) > 0.05 {
			t.Errorf("p=%v: kept %.3f, mean %.3f", p, frac, sum/float64(len(y)))
		}
		gx := l.Backward(x)
		for i := range gx {
			if gx[i] != y[i] {
				t.Fatalf("gradient mask differs from the forward mask at %d", i)
			}
		}
		if z := l.Forward(x, 20, false); &z[0] != &x[0] {
			t.Errorf("inference does not pass the input through")
		}
	}
}

// TestDropoutNetwork3 checks network3's mode against the inverted one: the
// same seed keeps the same values, unscaled in training; inference and its
// gradient multiply by 1-P; and the spec's text form keeps the mode.
func TestDropoutNetwork3(t *testing.T) {
	const p, n = 0.25, 4
	in := Shape{C: 37, H: 1, W: 1, Flat: true}
	inv := NewDropout(DropoutSpec{P: p}, in, n, 7, 8)
	n3 := NewDropout(DropoutSpec{P: p, ScaleAtInference: true}, in, n, 7, 8)
	x := make([]float32, in.Size()*n)
	for i := range x {
		x[i] = float32(i%11) - 5.5
	}
	yi := append([]float32(nil), inv.Forward(x, n, true)...)
	y3 := append([]float32(nil), n3.Forward(x, n, true)...)
	for i := range x {
		want := float32(0)
		if yi[i] != 0 {
			want = x[i]
		}
		if y3[i] != want {
			t.Fatalf("training value %d: got %v, want %v (inverted gave %v)", i, y3[i], want, yi[i])
		}
	}
	if g := n3.Backward(x); !slices.Equal(g, y3) {
		t.Errorf("training gradient does not use the forward mask")
	}
	z := n3.Forward(x, n, false)
	g := n3.Backward(x)
	for i := range x {
		if want := x[i] * (1 - p); z[i] != want || g[i] != want {
			t.Fatalf("inference value %d: got %v and gradient %v, want %v", i, z[i], g[i], want)
		}
	}
	spec, err := ParseSpec("dropout:0.5:network3 fc:10:relu dropout:0.5 softmax:10")
	if err != nil {
		t.Fatal(err)
	}
	if !spec[0].(DropoutSpec).ScaleAtInference || spec[3].(DropoutSpec).ScaleAtInference || spec.String() != "dropout:0.5:network3 fc:10 relu dropout:0.5 softmax:10" {
		t.Errorf("spec round trip: %+v → %q", spec, spec.String())
	}
	if _, err := ParseSpec("dropout:0.5:book softmax:10"); err == nil || !strings.Contains(err.Error(), "network3") {
		t.Errorf("unknown mode: error %v", err)
	}
}

func ExampleDropoutLayer() {
	in := Shape{C: 8, H: 1, W: 1, Flat: true}
	x := []float32{1, 1, 1, 1, 1, 1, 1, 1}
	for _, text := range []string{"dropout:0.5", "dropout:0.5:network3"} {
		spec, err := ParseSpec(text + " softmax:2")
		if err != nil {
			panic(err)
		}
		l := NewDropout(spec[0].(DropoutSpec), in, 1, 1, 2) // the same seed draws the same mask
		fmt.Println(text)
		fmt.Println("  training: ", l.Forward(x, 1, true))
		fmt.Println("  inference:", l.Forward(x, 1, false))
	}
	// Output:
	// dropout:0.5
	//   training:  [2 0 2 0 2 0 0 0]
	//   inference: [1 1 1 1 1 1 1 1]
	// dropout:0.5:network3
	//   training:  [1 0 1 0 1 0 0 0]
	//   inference: [0.5 0.5 0.5 0.5 0.5 0.5 0.5 0.5]
}
