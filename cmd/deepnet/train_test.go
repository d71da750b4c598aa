package main

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/deepnet-go/deepnet/model"
)

// TestMomentumOffSaved: --momentum 0 --nesterov=false over the quick
// preset (momentum 0.9) trains with plain SGD, and the model file's
// training info says so: it has no momentum.
func TestMomentumOffSaved(t *testing.T) {
	dir := mnistDir(t)
	path := filepath.Join(t.TempDir(), "m.safetensors")
	code, out, errOut := deepnet(t, "train", "--preset", "quick", "--momentum", "0", "--nesterov=false", "--epochs", "1",
		"--train-limit", "500", "--data", dir, "--out", path)
	if code != 0 {
		t.Fatalf("exit %d\n%s\n%s", code, out, errOut)
	}
	if strings.Contains(out, "expect ") {
		t.Errorf("a changed preset printed what the preset expects:\n%s", out)
	}
	f, err := model.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	training, ok := f.Metadata["training"]
	if !ok || !strings.Contains(training, `"preset":"quick"`) || strings.Contains(training, "momentum") {
		t.Errorf("training info %q, want the quick preset and no momentum", f.Metadata["training"])
	}
}

// TestResumeLaterFlagWins: --resume parses the checkpoint's command line
// and then the new one, so a flag given again wins, its zero value too:
// the run resumed with --epochs 2 --lambda 0 trains 2 epochs with λ 0
// although the first command line said --lambda 0.5.
func TestResumeLaterFlagWins(t *testing.T) {
	dir := mnistDir(t)
	tmp := t.TempDir()
	ck, path := filepath.Join(tmp, "run"), filepath.Join(tmp, "m.safetensors")
	code, out, errOut := deepnet(t, "train", "--net", "fc:20:relu softmax:10", "--epochs", "1", "--eta", "0.1", "--lambda", "0.5",
		"--train-limit", "500", "--data", dir, "--checkpoint", ck)
	if code != 0 || !strings.Contains(out, "1 epochs, mini-batch 10, η 0.1, λ 0.5, seed 1") {
		t.Fatalf("first run: exit %d\n%s\n%s", code, out, errOut)
	}
	code, out, errOut = deepnet(t, "train", "--resume", ck, "--epochs", "2", "--lambda", "0", "--out", path)
	if code != 0 {
		t.Fatalf("resumed: exit %d\n%s\n%s", code, out, errOut)
	}
	for _, want := range []string{"2 epochs, mini-batch 10, η 0.1, λ 0, seed 1", "resuming after epoch 1", "epoch 2/2: "} {
		if !strings.Contains(out, want) {
			t.Errorf("resumed run does not say %q:\n%s", want, out)
		}
	}
	_, info, err := model.Load(path)
	if err != nil {
		t.Fatal(err)
	}
	if info.Epochs != 2 || info.Lambda != 0 || info.Eta != 0.1 {
		t.Errorf("saved %d epochs, η %v, λ %v; want 2, 0.1 and 0", info.Epochs, info.Eta, info.Lambda)
	}
}
