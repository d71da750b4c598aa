package nn

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"os/exec"
	"testing"
)

// torchPython is the interpreter with Debian's python3-torch.
const torchPython = "/usr/bin/python3"

// TestTorchReferenceRegenerates runs testdata/torch_layers.py and checks
// that it writes testdata/torch_layers.json byte for byte, so that the
// committed references are the committed script's. It needs PyTorch and
// takes a few seconds (skipped with -short).
//
// The bytes depend on the PyTorch build and on the BLAS and CPU that do its
// float64 products. Where the output differs only in the last digits of
// some numbers, or the JSON's "source" names another PyTorch version, the
// test cannot compare bytes here and skips, saying so; a difference of
// more than 1e-12 of an array's largest value fails.
func TestTorchReferenceRegenerates(t *testing.T) {
	if testing.Short() {
		t.Skip("runs PyTorch (a few seconds); skipped with -short")
	}
	if err := exec.Command(torchPython, "-c", "import torch").Run(); err != nil {
		t.Skipf("no PyTorch for %s (%v); install it with: apt-get install -y python3-torch python3-numpy", torchPython, err)
	}
	var stderr bytes.Buffer
	cmd := exec.Command(torchPython, "../testdata/torch_layers.py")
	cmd.Stderr = &stderr
	got, err := cmd.Output()
	if err != nil {
		t.Fatalf("%s testdata/torch_layers.py: %v\n%s", torchPython, err, stderr.Bytes())
	}
	want, err := os.ReadFile("../testdata/torch_layers.json")
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Equal(got, want) {
		return
	}
	var g, w struct {
		Source string
		Cases  any
	}
	if err := json.Unmarshal(got, &g); err != nil {
		t.Fatalf("torch_layers.py writes invalid JSON: %v", err)
	}
	if err := json.Unmarshal(want, &w); err != nil {
		t.Fatalf("testdata/torch_layers.json: %v", err)
	}
	if g.Source != w.Source {
		t.Skipf("testdata/torch_layers.json is from %q, this machine has %q: bytes not comparable", w.Source, g.Source)
	}
	worst, where, err := jsonDiff(g.Cases, w.Cases, "cases", 0)
	if err != nil {
		t.Fatalf("torch_layers.py no longer writes testdata/torch_layers.json: %v; regenerate it with\n\t%s testdata/torch_layers.py > testdata/torch_layers.json", err, torchPython)
	}
	if worst > 1e-12 {
		t.Fatalf("torch_layers.py no longer writes testdata/torch_layers.json: %s differs by %.3g of its array's largest value; regenerate it with\n\t%s testdata/torch_layers.py > testdata/torch_layers.json", where, worst, torchPython)
	}
	t.Skipf("the output differs from testdata/torch_layers.json only in the last digits (%.3g of an array's largest value, at %s): this machine's BLAS or CPU rounds differently; bytes not comparable", worst, where)
}

// jsonDiff compares two decoded JSON values: it returns an error where they
// differ other than in numbers, else the largest difference of their
// numbers, relative to the largest magnitude in the array that holds them
// (or to scale), and where it is.
func jsonDiff(a, b any, path string, scale float64) (worst float64, where string, err error) {
	switch a := a.(type) {
	case map[string]any:
		bm, ok := b.(map[string]any)
		if !ok || len(a) != len(bm) {
			return 0, "", fmt.Errorf("%s: object differs", path)
		}
		for k, av := range a {
			bv, ok := bm[k]
			if !ok {
				return 0, "", fmt.Errorf("%s: no %q", path, k)
			}
			d, at, err := jsonDiff(av, bv, path+"."+k, 0)
			if err != nil {
				return 0, "", err
			}
			if d > worst {
				worst, where = d, at
			}
		}
	case []any:
		bs, ok := b.([]any)
		if !ok || len(a) != len(bs) {
			return 0, "", fmt.Errorf("%s: array length differs", path)
		}
		for _, arr := range [][]any{a, bs} {
			for _, v := range arr {
				if f, ok := v.(float64); ok {
					scale = math.Max(scale, math.Abs(f))
				}
			}
		}
		for i := range a {
			p := fmt.Sprintf("%s[%d]", path, i)
			if c, ok := a[i].(map[string]any); ok {
				if name, ok := c["name"].(string); ok {
					p = fmt.Sprintf("%s[%d](%s)", path, i, name)
				}
			}
			d, at, err := jsonDiff(a[i], bs[i], p, scale)
			if err != nil {
				return 0, "", err
			}
			if d > worst {
				worst, where = d, at
			}
		}
	case float64:
		bf, ok := b.(float64)
		if !ok {
			return 0, "", fmt.Errorf("%s: not a number", path)
		}
		if a != bf {
			worst, where = math.Abs(a-bf)/math.Max(scale, math.Max(math.Abs(a), math.Abs(bf))), path
		}
	default:
		if fmt.Sprint(a) != fmt.Sprint(b) {
			return 0, "", fmt.Errorf("%s: %v, committed %v", path, a, b)
		}
	}
	return worst, where, nil
}
