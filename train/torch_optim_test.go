package train

import (
	"bytes"
	"encoding/json"
	"math"
	"os"
	"os/exec"
	"testing"
)

// torchPython is the interpreter with Debian's python3-torch.
const torchPython = "/usr/bin/python3"

// TestTorchOptimRegenerates runs testdata/torch_optim.py and checks that
// it writes testdata/torch_optim.json: byte for byte, or, from another
// PyTorch build that rounds its float64 arithmetic otherwise, every
// number within 1e-12 of it. It needs PyTorch (skipped without it, and
// with -short).
func TestTorchOptimRegenerates(t *testing.T) {
	if testing.Short() {
		t.Skip("runs PyTorch; skipped with -short")
	}
	if err := exec.Command(torchPython, "-c", "import torch").Run(); err != nil {
		t.Skipf("no PyTorch for %s (%v); install it with: apt-get install -y python3-torch python3-numpy", torchPython, err)
	}
	var stderr bytes.Buffer
	cmd := exec.Command(torchPython, "../testdata/torch_optim.py")
	cmd.Stderr = &stderr
	got, err := cmd.Output()
	if err != nil {
		t.Fatalf("%s testdata/torch_optim.py: %v\n%s", torchPython, err, stderr.Bytes())
	}
	want, err := os.ReadFile("../testdata/torch_optim.json")
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Equal(got, want) {
		return
	}
	type file struct {
		Cases []struct {
			Name            string
			Inputs, Outputs map[string]struct{ Data []float64 }
		}
	}
	var g, w file
	if err := json.Unmarshal(got, &g); err != nil {
		t.Fatalf("torch_optim.py writes invalid JSON: %v", err)
	}
	if err := json.Unmarshal(want, &w); err != nil {
		t.Fatalf("testdata/torch_optim.json: %v", err)
	}
	regenerate := "regenerate it with\n\t" + torchPython + " testdata/torch_optim.py > testdata/torch_optim.json"
	if len(g.Cases) != len(w.Cases) {
		t.Fatalf("torch_optim.py writes %d cases, testdata/torch_optim.json holds %d; %s", len(g.Cases), len(w.Cases), regenerate)
	}
	for i, gc := range g.Cases {
		wc := w.Cases[i]
		for _, side := range []struct {
			got, want map[string]struct{ Data []float64 }
		}{{gc.Inputs, wc.Inputs}, {gc.Outputs, wc.Outputs}} {
			if gc.Name != wc.Name || len(side.got) != len(side.want) {
				t.Fatalf("case %d: %s differs from the committed %s; %s", i, gc.Name, wc.Name, regenerate)
			}
			for k, gt := range side.got {
				wt := side.want[k]
				if len(gt.Data) != len(wt.Data) {
					t.Fatalf("%s %s: %d values, committed %d; %s", gc.Name, k, len(gt.Data), len(wt.Data), regenerate)
				}
				for j, v := range gt.Data {
					if math.Abs(v-wt.Data[j]) > 1e-12*math.Max(1, math.Abs(v)) {
						t.Fatalf("%s %s[%d] = %v, committed %v; %s", gc.Name, k, j, v, wt.Data[j], regenerate)
					}
				}
			}
		}
	}
}
