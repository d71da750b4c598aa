package onnx

import (
	"encoding/json"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// python returns a Python with Debian's python3-onnx, or skips.
func python(t *testing.T) string {
	t.Helper()
	for _, p := range []string{os.Getenv("DEEPNET_PYTHON"), "/usr/bin/python3", "python3"} {
		if p == "" {
			continue
		}
		if err := exec.Command(p, "-c", "import onnx.checker").Run(); err == nil {
			return p
		}
	}
	t.Skip("no python3 with the onnx module: install Debian's python3-onnx (apt-get install python3-onnx; .ci/onnx-test does) or set DEEPNET_PYTHON")
	return ""
}

// ortDir returns the directory of run.js whose node_modules holds
// onnxruntime-node, or skips.
func ortDir(t *testing.T) string {
	t.Helper()
	if _, err := exec.LookPath("node"); err != nil {
		t.Skip("no node: install Node.js and onnxruntime-node (.ci/onnx-test does)")
	}
	dir, _ := filepath.Abs(filepath.Join("testdata", "ort"))
	if _, err := os.Stat(filepath.Join(dir, "node_modules", "onnxruntime-node")); err != nil {
		t.Skip("no onnxruntime-node in onnx/testdata/ort/node_modules: run (cd onnx/testdata/ort && ONNXRUNTIME_NODE_INSTALL_CUDA=skip npm ci), as .ci/onnx-test does")
	}
	return dir
}

// exportAll writes every test network as ONNX into a temporary directory
// and returns the files by name, with the networks.
func exportAll(t *testing.T) (map[string]string, map[string][]float32) {
	dir := t.TempDir()
	files, want := map[string]string{}, map[string][]float32{}
	x := digits(t)
	for name, spec := range testSpecs(t) {
		net := randomNet(t, spec, 3)
		b, err := Encode(net, map[string]string{"spec": net.Spec.String(), "training": `{"epochs":1}`})
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		files[name] = filepath.Join(dir, name+".onnx")
		if err := os.WriteFile(files[name], b, 0o644); err != nil {
			t.Fatal(err)
		}
		want[name] = forward(net, x, len(x)/784)
	}
	return files, want
}

// TestONNXChecker: ONNX's checker (with shape inference) accepts every
// exported network.
func TestONNXChecker(t *testing.T) {
	py := python(t)
	files, _ := exportAll(t)
	args := []string{filepath.Join("testdata", "check_model.py")}
	for _, f := range files {
		args = append(args, f)
	}
	slices.Sort(args[1:])
	out, err := exec.Command(py, args...).CombinedOutput()
	if err != nil {
		t.Fatalf("onnx.checker.check_model: %v\n%s", err, out)
	}
	if n := strings.Count(string(out), "ok "); n != len(files) {
		t.Fatalf("the checker passed %d of %d files:\n%s", n, len(files), out)
	}
	t.Logf("onnx.checker.check_model accepts %d files", len(files))
}

// TestONNXRuntime: ONNX Runtime gives the same outputs (class
// probabilities) as deepnet on MNIST test digits, to 1e-5.
func TestONNXRuntime(t *testing.T) {
	dir := ortDir(t)
	files, want := exportAll(t)
	x := digits(t)
	n := len(x) / 784
	type job struct {
		Model string    `json:"model"`
		Dims  []int     `json:"dims"`
		Data  []float32 `json:"data"`
	}
	var jobs []job
	var names []string
	for name := range files {
		names = append(names, name)
	}
	slices.Sort(names)
	for _, name := range names {
		jobs = append(jobs, job{files[name], []int{n, 1, 28, 28}, x})
	}
	outs := runORT(t, dir, jobs)
	for i, name := range names {
		got, w := outs[i].Data, want[name]
		if len(got) != len(w) {
			t.Errorf("%s: ONNX Runtime gave %d values (dims %v), deepnet %d", name, len(got), outs[i].Dims, len(w))
			continue
		}
		worst := 0.0
		for j := range w {
			worst = max(worst, math.Abs(float64(got[j]-w[j]))/max(1, math.Abs(float64(w[j]))))
		}
		if worst > 1e-5 {
			t.Errorf("%s: ONNX Runtime's outputs differ from deepnet's by up to %.2g", name, worst)
		}
		t.Logf("%-8s dims %v: largest difference %.2g", name, outs[i].Dims, worst)
	}
}

type ortOutput struct {
	Dims []int     `json:"dims"`
	Data []float32 `json:"data"`
}

// runORT runs jobs through run.js and returns their outputs.
func runORT(t *testing.T, dir string, jobs any) []ortOutput {
	t.Helper()
	in := filepath.Join(t.TempDir(), "jobs.json")
	b, _ := json.Marshal(map[string]any{"jobs": jobs})
	if err := os.WriteFile(in, b, 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command("node", filepath.Join(dir, "run.js"), in)
	cmd.Stderr = os.Stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("node run.js: %v", err)
	}
	var r struct{ Outputs []ortOutput }
	if err := json.Unmarshal(out, &r); err != nil {
		t.Fatalf("node run.js: %v", err)
	}
	return r.Outputs
}
