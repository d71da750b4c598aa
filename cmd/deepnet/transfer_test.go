package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/deepnet-go/deepnet/model"
)

// modelTensors returns the parameters of the model file at path by name.
func modelTensors(t *testing.T, path string) map[string][]float32 {
	t.Helper()
	net, _, err := model.Load(path)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string][]float32{}
	for _, p := range net.Params() {
		out[p.Name] = p.Value.Data
	}
	return out
}

// trainOK runs deepnet train with args and returns its output.
func trainOK(t *testing.T, args ...string) string {
	t.Helper()
	code, out, errOut := deepnet(t, append([]string{"train"}, args...)...)
	if code != 0 {
		t.Fatalf("train %q: exit %d\n%s\n%s", args, code, out, errOut)
	}
	return out
}

// smallModel trains a small network on digits 0-4 and returns its file.
func smallModel(t *testing.T, dir string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "digits04.safetensors")
	trainOK(t, "--data", dir, "--net", "conv:4x5x5 maxpool:2 relu fc:16:relu softmax:5", "--classes", "0-4",
		"--epochs", "1", "--train-limit", "1000", "--out", path)
	return path
}

// TestFromLoadsFreezesAndReplacesTheHead: --from loads every layer that
// fits; with all ten digits the softmax layer of five classes is replaced
// by a fresh one of ten; the frozen layers (0-4: the convolution and the
// fully-connected layer) end bit for bit as the model's, the head trains.
func TestFromLoadsFreezesAndReplacesTheHead(t *testing.T) {
	dir := mnistDir(t)
	from := smallModel(t, dir)
	out := filepath.Join(t.TempDir(), "ten.safetensors")
	text := trainOK(t, "--data", dir, "--from", from, "--freeze", "0-4", "--epochs", "1", "--train-limit", "500", "--out", out)
	for _, want := range []string{"network  conv:4x5x5 maxpool:2 relu fc:16 relu softmax:10",
		"head     softmax:10 for the 10 classes, freshly initialised (the network's was softmax:5)",
		"the weights of layers 0 conv:4x5x5, 3 fc:16", "frozen   layers 0 conv:4x5x5, 1 maxpool:2, 2 relu, 3 fc:16, 4 relu: not trained"} {
		if !strings.Contains(text, want) {
			t.Errorf("output lacks %q:\n%s", want, text)
		}
	}
	a, b := modelTensors(t, from), modelTensors(t, out)
	for _, name := range []string{"0.weight", "0.bias", "3.weight", "3.bias"} {
		if !slices.Equal(a[name], b[name]) {
			t.Errorf("%s: not the model's weights after training frozen", name)
		}
	}
	if len(b["5.weight"]) != 10*16 {
		t.Errorf("head of %d weights, want 160", len(b["5.weight"]))
	}
	// Frozen by kind: the convolution only; the fc layer trains.
	out2 := filepath.Join(t.TempDir(), "conv.safetensors")
	trainOK(t, "--data", dir, "--from", from, "--classes", "0-4", "--freeze", "conv", "--epochs", "1", "--train-limit", "500", "--out", out2)
	c := modelTensors(t, out2)
	if !slices.Equal(a["0.weight"], c["0.weight"]) || slices.Equal(a["3.weight"], c["3.weight"]) || slices.Equal(a["5.weight"], c["5.weight"]) {
		t.Error("--freeze conv: want the convolution as loaded, the fc layer and the same-sized head (loaded) trained")
	}
}

// TestEtaPretrained: the pre-trained layers train at --eta-pretrained,
// the new head at --eta: with a rate of 1e-9 the loaded layers hardly
// move while the head trains.
func TestEtaPretrained(t *testing.T) {
	dir := mnistDir(t)
	from := smallModel(t, dir)
	out := filepath.Join(t.TempDir(), "m.safetensors")
	text := trainOK(t, "--data", dir, "--from", from, "--eta-pretrained", "1e-9", "--eta", "0.1", "--momentum", "0",
		"--epochs", "1", "--train-limit", "500", "--out", out)
	if !strings.Contains(text, "η        1e-09 for the pre-trained layers 0 conv:4x5x5, 3 fc:16, 0.1 for the others") {
		t.Errorf("output lacks the rates:\n%s", text)
	}
	a, b := modelTensors(t, from), modelTensors(t, out)
	for _, name := range []string{"0.weight", "3.weight"} {
		for i := range a[name] {
			if d := a[name][i] - b[name][i]; d > 1e-5 || d < -1e-5 {
				t.Fatalf("%s[%d] moved by %g at η 1e-9", name, i, d)
			}
		}
	}
}

// TestResumeFromFreezeExact: a --from run with --freeze pretrained and
// --eta-pretrained stopped after one epoch and resumed ends with the
// weights of the run left alone: the frozen set, the loaded layers and
// their rate come back from the checkpoint, without loading --from.
func TestResumeFromFreezeExact(t *testing.T) {
	dir := mnistDir(t)
	from := smallModel(t, dir)
	tmp := t.TempDir()
	p := func(n string) string { return filepath.Join(tmp, n) }
	args := []string{"--data", dir, "--from", from, "--classes", "5-9", "--net", "conv:4x5x5 maxpool:2 relu fc:16:relu fc:8:relu softmax:5",
		"--freeze", "0", "--eta-pretrained", "0.003", "--schedule", "const", "--train-limit", "600"}
	text := trainOK(t, append(args, "--epochs", "2", "--out", p("whole.safetensors"))...)
	if !strings.Contains(text, "not loaded: layer 5 fc:8 (source softmax:5): a softmax layer, not fc") {
		t.Errorf("the layer --net adds is not reported:\n%s", text)
	}
	trainOK(t, append(args, "--epochs", "1", "--checkpoint", p("ck"))...)
	if err := os.Rename(from, from+".gone"); err != nil {
		t.Fatal(err)
	}
	text = trainOK(t, "--resume", p("ck"), "--epochs", "2", "--out", p("resumed.safetensors"))
	if !strings.Contains(text, "frozen   layers 0 conv:4x5x5") || !strings.Contains(text, "η        0.003 for the pre-trained layers 0 conv:4x5x5, 3 fc:16,") {
		t.Errorf("resumed run does not restore the frozen layers and rates:\n%s", text)
	}
	a, b := modelTensors(t, p("whole.safetensors")), modelTensors(t, p("resumed.safetensors"))
	for name, w := range a {
		if !slices.Equal(w, b[name]) {
			t.Errorf("%s differs after resuming", name)
		}
	}
}

// TestNoValidationFinalModel: --no-validation trains on all 60,000
// training images, selects nothing and reports the final (here averaged)
// model's test accuracy; the records have no validation accuracy.
func TestNoValidationFinalModel(t *testing.T) {
	dir := mnistDir(t)
	tmp := t.TempDir()
	metrics := filepath.Join(tmp, "m.jsonl")
	text := trainOK(t, "--data", dir, "--preset", "best", "--net", "fc:10 softmax:10", "--no-validation", "--epochs", "2", "--average", "2",
		"--shift", "0", "--rotate", "0", "--scale", "0", "--tta", "none", "--metrics", metrics, "--out", filepath.Join(tmp, "final.safetensors"))
	for _, want := range []string{"training 60000 images (no validation, test 10000)", "final    no validation", "epoch 2/2: no validation",
		"final model (the mean of epochs 1-2, no validation, nothing selected): test accuracy ", "(weights of the mean of epochs 1-2)"} {
		if !strings.Contains(text, want) {
			t.Errorf("output lacks %q:\n%s", want, text)
		}
	}
	code, evalOut, errOut := deepnet(t, "eval", "--data", dir, "--model", filepath.Join(tmp, "final.safetensors"))
	if code != 0 || !strings.Contains(evalOut, "the mean of epochs 1-2 of 2, a final model (trained on the validation images too, nothing selected); test accuracy") {
		t.Errorf("eval of the final model: exit %d\n%s\n%s", code, evalOut, errOut)
	}
	b, err := os.ReadFile(metrics)
	if err != nil {
		t.Fatal(err)
	}
	for _, line := range strings.Split(strings.TrimSpace(string(b)), "\n") {
		var rec map[string]any
		if err := json.Unmarshal([]byte(line), &rec); err != nil || rec["validation_accuracy"] != nil || rec["test_accuracy"] == nil {
			t.Errorf("record %s: want a test accuracy and no validation accuracy", line)
		}
	}
}

// TestTransferFlagErrors: flags that cannot go together, and --freeze
// items that match no layer, are one-line errors.
func TestTransferFlagErrors(t *testing.T) {
	empty := t.TempDir()
	for _, c := range []struct {
		args []string
		want []string
	}{
		{[]string{"train", "--data", empty, "--from", "a.safetensors", "--init-from", "b.safetensors"}, []string{"--from and --init-from"}},
		{[]string{"train", "--data", empty, "--eta-pretrained", "0.1"}, []string{"--eta-pretrained", "--from or --init-from"}},
		{[]string{"train", "--data", empty, "--from", "a", "--eta-pretrained", "0"}, []string{"--eta-pretrained 0: want"}},
		{[]string{"train", "--data", empty, "--no-validation", "--patience", "3"}, []string{"--patience", "--no-validation"}},
		{[]string{"train", "--data", empty, "--no-validation", "--select-last", "2"}, []string{"--select-last 2", "--no-validation"}},
		{[]string{"train", "--data", empty, "--labels-first"}, []string{"--labels-first", "--labels-per-class"}},
		{[]string{"train", "--data", empty, "--classes", "0-4,3"}, []string{`--classes "0-4,3": label 3 is given twice`}},
		{[]string{"train", "--data", empty, "--classes", "7"}, []string{"2 classes or more"}},
		{[]string{"train", "--data", empty, "--classes", "a-b"}, []string{`"a-b" is not a label`}},
	} {
		checkOneLineError(t, c.args, c.want)
	}
	dir := mnistDir(t)
	from := smallModel(t, dir)
	for _, c := range []struct {
		freeze string
		want   string
	}{
		{"9", "--freeze 9: 9 matches no layer: the network's 6 layers are numbered 0 to 5"},
		{"lstm", "lstm matches no layer"},
		{"convs", `"convs" is not a layer number, a range, a kind of layer or pretrained`},
		{"0-5", "freezes every layer with weights"},
	} {
		checkOneLineError(t, []string{"train", "--data", dir, "--from", from, "--classes", "0-4", "--freeze", c.freeze, "--train-limit", "100", "--epochs", "1"}, []string{c.want})
	}
	checkOneLineError(t, []string{"train", "--data", dir, "--net", "fc:10 softmax:10", "--classes", "0-4", "--train-limit", "100"},
		[]string{"--net ends in softmax:10, and the data have 5 classes of --classes 0-4: end it with softmax:5"})
}

// TestFromRecurrentAndDBN: --from works for a recurrent network (its
// frozen LSTM ends as loaded), and --init-from's layers are the
// pre-trained ones of --freeze pretrained and --eta-pretrained; a network
// fine-tuned from a DBN is a network like any other for --from.
func TestFromRecurrentAndDBN(t *testing.T) {
	dir := mnistDir(t)
	tmp := t.TempDir()
	p := func(n string) string { return filepath.Join(tmp, n) }
	trainOK(t, "--data", dir, "--preset", "lstm", "--net", "rows lstm:6 softmax:10", "--epochs", "1", "--average", "0", "--select-last", "0",
		"--train-limit", "256", "--out", p("lstm.safetensors"))
	text := trainOK(t, "--data", dir, "--from", p("lstm.safetensors"), "--preset", "lstm", "--classes", "0-4", "--freeze", "lstm",
		"--epochs", "1", "--average", "0", "--select-last", "0", "--train-limit", "256", "--out", p("lstm5.safetensors"))
	if !strings.Contains(text, "network  rows lstm:6 softmax:5") {
		t.Errorf("the LSTM's network:\n%s", text)
	}
	a, b := modelTensors(t, p("lstm.safetensors")), modelTensors(t, p("lstm5.safetensors"))
	if !slices.Equal(a["1.weight_ih_l0"], b["1.weight_ih_l0"]) || !slices.Equal(a["1.weight_hh_l0"], b["1.weight_hh_l0"]) {
		t.Error("the frozen LSTM changed")
	}
	_, _, plain := saveRBMs(t, tmp)
	text = trainOK(t, "--data", dir, "--init-from", plain, "--freeze", "pretrained", "--epochs", "1", "--train-limit", "200", "--out", p("dbn.safetensors"))
	if !strings.Contains(text, "frozen   layers 0 fc:8, 2 fc:6: not trained") {
		t.Errorf("--init-from with --freeze pretrained:\n%s", text)
	}
	text = trainOK(t, "--data", dir, "--from", p("dbn.safetensors"), "--eta-pretrained", "0.001", "--epochs", "1", "--train-limit", "200")
	if !strings.Contains(text, "η        0.001 for the pre-trained layers 0 fc:8, 2 fc:6, 4 softmax:10") {
		t.Errorf("--from a network fine-tuned from a DBN:\n%s", text)
	}
}

// TestFreshHead: --fresh softmax leaves the softmax layer of digits 5-9
// as initialised although the model's, of digits 0-4, has its size.
func TestFreshHead(t *testing.T) {
	dir := mnistDir(t)
	from := smallModel(t, dir)
	out := filepath.Join(t.TempDir(), "m.safetensors")
	text := trainOK(t, "--data", dir, "--from", from, "--classes", "5-9", "--fresh", "softmax", "--freeze", "softmax", "--epochs", "1", "--train-limit", "300", "--out", out)
	for _, want := range []string{"the weights of layers 0 conv:4x5x5, 3 fc:16\n", "fresh    layers 5 softmax:5: initialised, not loaded"} {
		if !strings.Contains(text, want) {
			t.Errorf("output lacks %q:\n%s", want, text)
		}
	}
	if a, b := modelTensors(t, from), modelTensors(t, out); slices.Equal(a["5.weight"], b["5.weight"]) || slices.Equal(a["0.weight"], b["0.weight"]) {
		t.Error("want the head as initialised (frozen) and the convolution trained")
	}
	checkOneLineError(t, []string{"train", "--data", dir, "--fresh", "softmax"}, []string{"--fresh", "give --from"})
}
