package nn

import (
	"errors"
	"strings"
	"testing"
)

func TestParseSpecRoundTrip(t *testing.T) {
	for _, text := range []string{
		"conv:20x5x5 maxpool:2 relu conv:40x5x5 maxpool:2 relu fc:100 relu softmax:10",
		"fc:100 sigmoid softmax:10",
		"conv:8x3x3/2 l2pool:2x3 tanh avgpool:3 dropout:0.5 fc:1000 relu dropout:0.25 softmax:10",
	} {
		s, err := ParseSpec(text)
		if err != nil {
			t.Fatalf("%q: %v", text, err)
		}
		if got := s.String(); got != text {
			t.Errorf("round trip: %q → %q", text, got)
		}
	}
	s, err := ParseSpec("conv:20x5x5,maxpool:2,relu fc:100:relu fc:50:linear softmax:10")
	if err != nil {
		t.Fatal(err)
	}
	if want := "conv:20x5x5 maxpool:2 relu fc:100 relu fc:50 softmax:10"; s.String() != want {
		t.Errorf("shorthand: %q, want %q", s.String(), want)
	}
}

func TestParseSpecErrors(t *testing.T) {
	for text, want := range map[string]string{
		"":                          "empty",
		"conv:20x5 softmax:10":      "expected [3] numbers",
		"conv:0x5x5 softmax:10":     "bad size",
		"pool:max2 softmax:10":      "unknown layer kind \"pool\"",
		"dropout:1.5 softmax:10":    "dropout probability",
		"fc:10:softplus softmax:10": "bad activation",
		"relu:3 softmax:10":         "takes no argument",
		"conv:2x3x3/0 softmax:10":   "bad stride",
	} {
		_, err := ParseSpec(text)
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%q: error %v, want it to contain %q", text, err, want)
		}
	}
	// The error says which layer, where, and why.
	var se *SpecError
	if _, err := ParseSpec("conv:20x5x5,  maxpool:0 relu"); !errors.As(err, &se) || se.Layer != 2 || se.Token != "maxpool:0" || se.Offset != 14 {
		t.Errorf("error %#v, want layer 2 %q at byte 14", err, "maxpool:0")
	}
	// A spec too long or with too many layers is refused before it is read.
	if _, err := ParseSpec(strings.Repeat("relu ", MaxSpecText/5+1)); !errors.As(err, &se) || !strings.Contains(err.Error(), "bytes") {
		t.Errorf("long spec: error %v", err)
	}
	if _, err := ParseSpec(strings.Repeat("relu ", MaxSpecLayers+1)); !errors.As(err, &se) || se.Layer != MaxSpecLayers+1 {
		t.Errorf("many layers: error %v", err)
	}
	// A bad layer lists what is valid.
	if _, err := ParseSpec("swish:3 softmax:10"); err == nil || !strings.Contains(err.Error(), "valid layers: conv:") {
		t.Errorf("no list of valid layers in %v", err)
	}
}

func TestNewRejectsLayersThatDoNotFit(t *testing.T) {
	for text, want := range map[string]string{
		"conv:2x5x5 maxpool:2 conv:2x5x5 softmax:10": "smaller than the 5×5 kernel",
		"fc:10 maxpool:2 softmax:10":                 "not images",
		"maxpool:30 softmax:10":                      "smaller than the pool",
	} {
		s, err := ParseSpec(text)
		if err != nil {
			t.Fatal(err)
		}
		_, err = New(Config{Spec: s, In: Shape{C: 1, H: 12, W: 12}, MaxBatch: 1})
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%q: error %v, want %q", text, err, want)
		}
	}
}

// TestConvHandComputed is the book's 3×3 image with a 2×2 kernel, by hand:
// y[i][j] = b + Σ w[l][m]·x[i+l][j+m].
func TestConvHandComputed(t *testing.T) {
	l, err := NewConv(ConvSpec{Maps: 1, KH: 2, KW: 2, Stride: 1}, Shape{C: 1, H: 3, W: 3}, 1, true, "c")
	if err != nil {
		t.Fatal(err)
	}
	copy(l.W.Value.Data, []float32{1, 2, 3, 4})
	l.B.Value.Data[0] = 0.5
	x := []float32{1, 2, 3, 4, 5, 6, 7, 8, 9}
	y := l.Forward(x, 1, true)
	// 1·1+2·2+3·4+4·5 = 37, 2+6+15+24 = 47, 4+10+21+32 = 67, 5+12+24+36 = 77.
	want := []float32{37.5, 47.5, 67.5, 77.5}
	for i := range want {
		if y[i] != want[i] {
			t.Fatalf("y = %v, want %v", y, want)
		}
	}
	gx := l.Backward([]float32{1, 0, 0, 1})
	// dL/dx = w placed at (0,0) plus w placed at (1,1).
	wantGx := []float32{1, 2, 0, 3, 4 + 1, 2, 0, 3, 4}
	for i := range wantGx {
		if gx[i] != wantGx[i] {
			t.Fatalf("gx = %v, want %v", gx, wantGx)
		}
	}
	// dL/dw[l][m] = x[l][m] + x[1+l][1+m].
	wantGw := []float32{1 + 5, 2 + 6, 4 + 8, 5 + 9}
	for i := range wantGw {
		if l.W.Grad.Data[i] != wantGw[i] {
			t.Fatalf("gw = %v, want %v", l.W.Grad.Data, wantGw)
		}
	}
	if l.B.Grad.Data[0] != 2 {
		t.Fatalf("gb = %v, want 2", l.B.Grad.Data[0])
	}
}

func TestMaxPoolHandComputed(t *testing.T) {
	l, err := NewPool(PoolSpec{Op: MaxPool, KH: 2, KW: 2}, Shape{C: 1, H: 3, W: 4}, 1)
	if err != nil {
		t.Fatal(err)
	}
	x := []float32{
		1, 5, 2, 0,
		3, 4, 8, 7,
		9, 9, 9, 9, // ignored border row
	}
	y := l.Forward(x, 1, true)
	if y[0] != 5 || y[1] != 8 || len(y) != 2 {
		t.Fatalf("y = %v", y)
	}
	gx := l.Backward([]float32{10, 20})
	want := []float32{0, 10, 0, 0, 0, 0, 20, 0, 0, 0, 0, 0}
	for i := range want {
		if gx[i] != want[i] {
			t.Fatalf("gx = %v, want %v", gx, want)
		}
	}
}
