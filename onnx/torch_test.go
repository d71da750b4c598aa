package onnx

import (
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"testing"
)

// torchData is testdata/torch_mnist.json, written with torch_mnist.onnx by
// testdata/make_torch_onnx.py.
type torchData struct {
	Spec          string      `json:"spec"`
	Labels        []int       `json:"labels"`
	Pixels        [][]uint8   `json:"pixels"`
	Probabilities [][]float32 `json:"probabilities"`
}

func readTorch(t testing.TB) torchData {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", "torch_mnist.json"))
	if err != nil {
		t.Fatal(err)
	}
	var d torchData
	if err := json.Unmarshal(b, &d); err != nil {
		t.Fatal(err)
	}
	return d
}

// digits returns the first 8 MNIST test digits, [8][1][28][28], as
// float32 byte/255.
func digits(t testing.TB) []float32 {
	var x []float32
	for _, img := range readTorch(t).Pixels {
		for _, p := range img {
			x = append(x, float32(p)/255)
		}
	}
	return x
}

// TestImportTorch: a network PyTorch exported (Conv, MaxPool, Relu,
// Flatten, Gemm, BatchNormalization, Softmax; dropout gone at inference)
// imports as the expected spec and gives PyTorch's probabilities to 1e-5.
func TestImportTorch(t *testing.T) {
	d := readTorch(t)
	b, err := os.ReadFile(filepath.Join("testdata", "torch_mnist.onnx"))
	if err != nil {
		t.Fatal(err)
	}
	m, err := Decode(b, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if got := m.Net.Spec.String(); got != d.Spec {
		t.Errorf("imported spec %q, want %q", got, d.Spec)
	}
	x := digits(t)
	y := forward(m.Net, x, len(d.Pixels))
	worst := 0.0
	for i, p := range d.Probabilities {
		for k, v := range p {
			worst = max(worst, math.Abs(float64(y[i*10+k]-v)))
		}
	}
	if worst > 1e-5 {
		t.Errorf("probabilities differ from PyTorch's by up to %.2g", worst)
	}
	t.Logf("%s: largest difference from PyTorch's probabilities %.2g", m.Net.Spec, worst)
}
