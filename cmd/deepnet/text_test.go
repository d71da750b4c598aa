package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestTextModel trains a small character model on a text through train
// (records in bits per character, a checkpoint, a resumed run, a model
// file) and samples from it.
func TestTextModel(t *testing.T) {
	dir := t.TempDir()
	text := filepath.Join(dir, "poem.txt")
	os.WriteFile(text, []byte(strings.Repeat("Tyger Tyger, burning bright, in the forests of the night; ", 40)), 0o644)
	model, metrics, ck := filepath.Join(dir, "m.safetensors"), filepath.Join(dir, "m.jsonl"), filepath.Join(dir, "run")
	args := []string{"train", "--preset", "charlm", "--text", text, "--net", "embed:256x8 lstm:16:seq softmax:256",
		"--seq", "20", "--batch", "4", "--epochs", "1", "--checkpoint", ck}
	code, out, errOut := deepnet(t, args...)
	if code != 0 {
		t.Fatalf("exit %d\n%s\n%s", code, out, errOut)
	}
	for _, want := range []string{"training the 2320 bytes of poem.txt (validation: the last 232), windows of 20", "epoch 1/1: validation ", " bits/char", "best validation "} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	code, out, errOut = deepnet(t, "train", "--resume", ck, "--epochs", "2", "--out", model, "--metrics", metrics)
	if code != 0 || !strings.Contains(out, "resuming after epoch 1") || !strings.Contains(out, "epoch 2/2: validation ") {
		t.Fatalf("resume: exit %d\n%s\n%s", code, out, errOut)
	}
	raw, err := os.ReadFile(metrics)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(string(raw)), "\n")
	var rec map[string]any
	if len(lines) != 2 || json.Unmarshal([]byte(lines[1]), &rec) != nil || rec["metric"] != "bits_per_char" || rec["validation"] == nil || rec["test"] != nil {
		t.Fatalf("metrics %q", raw)
	}
	code, out, errOut = deepnet(t, "sample", "--model", model, "--length", "40", "--prime", "Tyger", "--seed", "3")
	if code != 0 || len(out) < 40 {
		t.Fatalf("sample: exit %d, %q\n%s", code, out, errOut)
	}
	_, again, _ := deepnet(t, "sample", "--model", model, "--length", "40", "--prime", "Tyger", "--seed", "3")
	if again != out {
		t.Errorf("the same seed sampled %q, then %q", out, again)
	}
}
