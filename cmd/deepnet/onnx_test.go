package main

import (
	"math/rand/v2"
	"path/filepath"
	"strings"
	"testing"

	"github.com/deepnet-go/deepnet/model"
	"github.com/deepnet-go/deepnet/nn"
)

// saveRandom saves a network of spec on input in with random weights and
// returns the file's path.
func saveRandom(t *testing.T, spec string, in nn.Shape) string {
	t.Helper()
	s, err := nn.ParseSpec(spec)
	if err != nil {
		t.Fatal(err)
	}
	net, err := nn.New(nn.Config{Spec: s, In: in, MaxBatch: 4, Seed: 5, Init: nn.InitHe})
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range net.Params() {
		if strings.HasSuffix(p.Name, "running_mean") || strings.HasSuffix(p.Name, "bias") {
			for i := range p.Value.Data {
				p.Value.Data[i] = 0.01 * float32(i%7)
			}
		}
	}
	path := filepath.Join(t.TempDir(), "net.safetensors")
	if err := model.Save(path, net, model.Info{Preset: "test", Epochs: 3, TestAccuracy: 0.5}); err != nil {
		t.Fatal(err)
	}
	return path
}

// TestExportImport: deepnet export then deepnet import gives a model file
// with the same spec, training info and predictions.
func TestExportImport(t *testing.T) {
	for _, spec := range []string{"conv:4x5x5 maxpool:2 relu dropout:0.5:network3 fc:20 batchnorm relu dropout:0.3 softmax:10",
		"rows lstm:8x2 softmax:10"} {
		src := saveRandom(t, spec, nn.Shape{C: 1, H: 28, W: 28})
		dir := t.TempDir()
		file, back := filepath.Join(dir, "sub", "net.onnx"), filepath.Join(dir, "back.safetensors")
		code, out, errOut := deepnet(t, "export", "--model", src, "--onnx", file)
		if code != 0 || !strings.Contains(out, "wrote "+file) {
			t.Fatalf("export: exit %d\n%s%s", code, out, errOut)
		}
		code, out, errOut = deepnet(t, "import", "--onnx", file, "--out", back)
		if code != 0 || !strings.Contains(out, spec) {
			t.Fatalf("import: exit %d\n%s%s", code, out, errOut)
		}
		a, ai, err := model.LoadWith(src, model.Options{MaxBatch: 4})
		if err != nil {
			t.Fatal(err)
		}
		b, bi, err := model.LoadWith(back, model.Options{MaxBatch: 4})
		if err != nil {
			t.Fatal(err)
		}
		if a.Spec.String() != b.Spec.String() || ai.Preset != bi.Preset || ai.Epochs != bi.Epochs || a.Seed != b.Seed || a.Init != b.Init {
			t.Errorf("%s: imported as %s, info %+v (was %+v)", spec, b.Spec, bi, ai)
		}
		x := make([]float32, 4*784)
		rng := rand.New(rand.NewPCG(1, 1))
		for i := range x {
			x[i] = rng.Float32()
		}
		ya := append([]float32(nil), a.Forward(x, 4, false)...)
		yb := b.Forward(x, 4, false)
		for i := range ya {
			if ya[i] != yb[i] {
				t.Fatalf("%s: predictions differ after export and import: %v vs %v", spec, ya[i], yb[i])
			}
		}
	}
}

// TestExportImportErrors: a kind without an ONNX form, an operator
// without a deepnet layer and missing flags are one-line errors that
// name them.
func TestExportImportErrors(t *testing.T) {
	char := saveRandom(t, "embed:16x4 lstm:8:seq softmax:16", nn.Shape{C: 1, H: 1, W: 1, Flat: true, T: 5})
	dir := t.TempDir()
	code, _, errOut := deepnet(t, "export", "--model", char, "--onnx", filepath.Join(dir, "c.onnx"))
	if code != 1 || !strings.Contains(errOut, "kind embed has no ONNX export") {
		t.Errorf("export of embed: exit %d, %s", code, errOut)
	}
	code, _, errOut = deepnet(t, "import", "--onnx", char, "--out", filepath.Join(dir, "m"))
	if code != 1 || !strings.Contains(errOut, "not an ONNX model") {
		t.Errorf("import of a safetensors file: exit %d, %s", code, errOut)
	}
	code, _, errOut = deepnet(t, "export", "--model", char)
	if code != 1 || !strings.Contains(errOut, "--onnx") {
		t.Errorf("export without --onnx: exit %d, %s", code, errOut)
	}
	torch := filepath.Join("..", "..", "onnx", "testdata", "torch_mnist.onnx")
	code, out, errOut := deepnet(t, "import", "--onnx", torch, "--out", filepath.Join(dir, "torch.safetensors"))
	if code != 0 || !strings.Contains(out, "conv:8x5x5 maxpool:2 relu") {
		t.Errorf("import of PyTorch's file: exit %d\n%s%s", code, out, errOut)
	}
	if n := strings.Count(errOut, "\n"); n > 1 {
		t.Errorf("errors of more than one line:\n%s", errOut)
	}
}
