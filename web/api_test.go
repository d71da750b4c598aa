package web

import (
	"encoding/base64"
	"math"
	"net/http"
	"strings"
	"testing"

	"github.com/deepnet-go/deepnet/imageprep"
	"github.com/deepnet-go/deepnet/nn"
	"github.com/deepnet-go/deepnet/viz"
)

// close32 reports whether a and b agree to float32 rounding (a batch of
// several examples may sum in another order than a batch of one).
func close32(a, b []float32) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if math.Abs(float64(a[i]-b[i])) > 1e-5*(1+math.Abs(float64(b[i]))) {
			return false
		}
	}
	return true
}

// TestPredictAndLayers: /api/predict and /api/layers answer for a digit
// given as JSON and as a PNG what the network computes for it, layer by
// layer (as viz.Activations), with the input the network saw.
func TestPredictAndLayers(t *testing.T) {
	_, ts, ref := newTestServer(t, smallSpec, Config{})
	digits := testDigits(t)
	for d := range 10 {
		pix := digits[d*784 : (d+1)*784]
		want, err := viz.Activations(ref, toInput(pix))
		if err != nil {
			t.Fatal(err)
		}
		probs := want[len(want)-1].Data
		code, b := post(t, ts.URL+"/api/predict", "application/json", pixelsJSON(t, pix))
		var p Prediction
		decode(t, b, &p)
		if code != http.StatusOK || !close32(p.Probabilities, probs) || p.Digit != nn.Argmax(probs) || p.P != p.Probabilities[p.Digit] {
			t.Fatalf("digit %d: %d %+v, want %v", d, code, p, probs)
		}
		code, b = post(t, ts.URL+"/api/layers", "application/json", pixelsJSON(t, pix))
		var l LayersJSON
		decode(t, b, &l)
		if code != http.StatusOK || len(l.Layers) != len(want) || !close32(l.Input, toInput(pix)) {
			t.Fatalf("digit %d: layers: %d, %d layers", d, code, len(l.Layers))
		}
		for i, a := range want {
			if l.Layers[i].Layer != i+1 || !close32(l.Layers[i].Data, a.Data) {
				t.Fatalf("digit %d: layer %d %s: got %d values, want %d", d, i+1, a.Spec, len(l.Layers[i].Data), len(a.Data))
			}
		}
		// The same digit as a PNG: prepared as deepnet predict prepares
		// files (the digit is already MNIST's, so nearly the same).
		code, b = post(t, ts.URL+"/api/layers/3", "image/png", digitPNG(t, pix, 4))
		decode(t, b, &l)
		prepared, err := imageprep.Digit(mustDecode(t, digitPNG(t, pix, 4)))
		if err != nil {
			t.Fatal(err)
		}
		if code != http.StatusOK || len(l.Layers) != 1 || l.Layers[0].Layer != 3 || !close32(l.Input, toInput(prepared)) {
			t.Fatalf("digit %d as a PNG: %d %d layers", d, code, len(l.Layers))
		}
		// GET one layer, the digit's bytes in the query.
		q := base64.RawURLEncoding.EncodeToString(pix)
		code, b = get(t, ts.URL+"/api/layers/1?pixels="+q)
		decode(t, b, &l)
		if code != http.StatusOK || len(l.Layers) != 1 || !close32(l.Layers[0].Data, want[0].Data) {
			t.Fatalf("digit %d: GET layer 1: %d", d, code)
		}
	}
}

// TestModelDescription: /api/model gives each layer's shapes and the
// receptive fields composed from the windows of convolutions and pools.
func TestModelDescription(t *testing.T) {
	_, ts, _ := newTestServer(t, reluSpec, Config{Path: "/some/where/relu.safetensors"})
	code, b := get(t, ts.URL+"/api/model")
	var m ModelJSON
	decode(t, b, &m)
	if code != http.StatusOK || m.Kind != "digits" || m.Name != "relu.safetensors" || m.Spec != reluSpec || m.Classes != 10 || len(m.Layers) != 9 {
		t.Fatalf("%d %+v", code, m)
	}
	// conv 5×5; pool 2 (6×6, step 2); relu (same); conv 5×5 on step 2
	// (6+4·2 = 14, step 2); pool 2 (16, step 4); relu; then flat.
	want := [][2]int{{5, 1}, {6, 2}, {6, 2}, {14, 2}, {16, 4}, {16, 4}}
	for i, l := range m.Layers {
		if i >= len(want) {
			if l.Field != nil {
				t.Errorf("layer %d %s: field %+v for a flat output", l.Layer, l.Spec, l.Field)
			}
			continue
		}
		if f := l.Field; f == nil || f.Size != [2]int{want[i][0], want[i][0]} || f.Step != [2]int{want[i][1], want[i][1]} {
			t.Errorf("layer %d %s: field %+v, want size %d step %d", l.Layer, l.Spec, f, want[i][0], want[i][1])
		}
	}
	if m.Layers[0].Field.Window == nil || *m.Layers[0].Field.Window != [4]int{5, 5, 1, 1} || m.Layers[2].Field.Window != nil {
		t.Errorf("windows: %+v %+v", m.Layers[0].Field, m.Layers[2].Field)
	}
	if m.Params != 20*26+40*501+640*100+100+100*10+10 {
		t.Errorf("params %d", m.Params)
	}
	code, b = get(t, ts.URL+"/api/kernels")
	var k KernelsJSON
	decode(t, b, &k)
	if code != http.StatusOK || len(k.Layers) != 2 || k.Layers[1].Layer != 4 || len(k.Layers[1].Data) != 40*20*25 {
		t.Fatalf("kernels: %d %d layers", code, len(k.Layers))
	}
}

// TestMistakes: the page's mistakes are the test digits the network gets
// wrong, found through the batcher.
func TestMistakes(t *testing.T) {
	net := newNet(t, smallSpec, 4)
	digits := testDigits(t)
	labels := []uint8{0, 1, 2, 3, 4, 5, 6, 7, 8, 9}
	load := func() (*Digits, error) { return &Digits{Images: digits, Labels: labels}, nil }
	_, ts, ref := newTestServer(t, "", Config{Net: net, Test: load})
	code, b := get(t, ts.URL+"/api/mistakes")
	var m MistakesJSON
	decode(t, b, &m)
	wrong := 0
	for d := range 10 {
		if got := nn.Argmax(ref.Forward(toInput(digits[d*784:(d+1)*784]), 1, false)); got != d {
			wrong++
		}
	}
	if code != http.StatusOK || m.Tested != 10 || m.Wrong != wrong || len(m.Digits) != wrong {
		t.Fatalf("%d %+v, want %d wrong", code, m, wrong)
	}
	for _, d := range m.Digits {
		if d.Label != d.Index || d.Predicted == d.Label || len(d.Pixels) != 784 {
			t.Errorf("%+v", d)
		}
	}
	// Without a test set: none, and why.
	_, ts, _ = newTestServer(t, smallSpec, Config{})
	_, b = get(t, ts.URL+"/api/mistakes")
	decode(t, b, &m)
	if m.Tested != 0 || !strings.Contains(m.Error, "no test set") {
		t.Errorf("no test set: %+v", m)
	}
}
