package main

import (
	"bufio"
	"encoding/json"
	"image/gif"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/deepnet-go/deepnet/model"
	"github.com/deepnet-go/deepnet/nn"
	"github.com/deepnet-go/deepnet/rbm"
)

// readRecords reads a metrics file of deepnet rbm or dbn.
func readRecords(t *testing.T, path string) []map[string]any {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var recs []map[string]any
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		var m map[string]any
		if err := json.Unmarshal(sc.Bytes(), &m); err != nil {
			t.Fatalf("%s: %v: %s", path, err, sc.Text())
		}
		recs = append(recs, m)
	}
	return recs
}

// TestRBMCommand trains a small RBM for two epochs with every output,
// then measures and draws it: the metrics have the free energies and the
// training time, the pictures and the model file exist, and loglik
// prints AIS's estimate beside the exact log Z.
func TestRBMCommand(t *testing.T) {
	dir := mnistDir(t)
	tmp := t.TempDir()
	p := func(name string) string { return filepath.Join(tmp, name) }
	code, out, errOut := deepnet(t, "rbm", "--data", dir, "--hidden", "16", "--epochs", "2", "--train-limit", "1000", "--binarize", "fixed",
		"--out", p("r.safetensors"), "--metrics", p("m.jsonl"), "--plot", p("curves.png"), "--samples", p("samples"), "--samples-every", "1", "--gibbs", "20")
	if code != 0 {
		t.Fatalf("rbm: exit %d\n%s\n%s", code, out, errOut)
	}
	for _, want := range []string{"rbm      784 visible and 16 hidden units", "cd-1 fixed, 2 epochs", "epoch 2/2: validation pseudo-NLL", "saved    " + p("r.safetensors")} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	recs := readRecords(t, p("m.jsonl"))
	if len(recs) != 2 {
		t.Fatalf("%d records", len(recs))
	}
	for _, r := range recs {
		for _, k := range []string{"validation", "test", "training_cost", "train_seconds", "free_energy_train", "free_energy_validation"} {
			if _, ok := r[k].(float64); !ok {
				t.Errorf("record %v lacks %s", r, k)
			}
		}
	}
	checkPNG(t, p("curves.png"), 600, 700)
	for _, name := range []string{"samples-001.png", "samples-002.png"} {
		checkPNG(t, filepath.Join(p("samples"), name), 10*56, 10*56) // 100 chains
	}
	for _, name := range []string{"filters-001.png", "filters-002.png"} {
		checkPNG(t, filepath.Join(p("samples"), name), 10*56, 2*56) // 16 hidden units
	}
	code, out, errOut = deepnet(t, "loglik", "--data", dir, "--model", p("r.safetensors"), "--betas", "200", "--runs", "20")
	if code != 0 {
		t.Fatalf("loglik: exit %d\n%s\n%s", code, out, errOut)
	}
	for _, want := range []string{"by AIS (20 runs of 200 intermediate distributions", "exact ", "test     -", "train    -"} {
		if !strings.Contains(out, want) {
			t.Errorf("loglik output lacks %q:\n%s", want, out)
		}
	}
	code, out, errOut = deepnet(t, "generate", "--data", dir, "--model", p("r.safetensors"), "--out", p("pictures"), "--sweeps", "20", "--frames", "4")
	if code != 0 {
		t.Fatalf("generate: exit %d\n%s\n%s", code, out, errOut)
	}
	checkPNG(t, filepath.Join(p("pictures"), "filters.png"), 4*56, 2*56)
	checkPNG(t, filepath.Join(p("pictures"), "samples.png"), 10*56, 56)
	checkPNG(t, filepath.Join(p("pictures"), "reconstructions.png"), 10*56, 4*56)
	checkGIF(t, filepath.Join(p("pictures"), "chain.gif"), 4, 10*56)
}

// checkGIF decodes the animation at path and checks its frames and
// width.
func checkGIF(t *testing.T, path string, frames, minW int) {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	g, err := gif.DecodeAll(f)
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	if len(g.Image) != frames || g.Config.Width < minW {
		t.Errorf("%s: %d frames of width %d, want %d of at least %d", path, len(g.Image), g.Config.Width, frames, minW)
	}
}

var rbmEpochLine = regexp.MustCompile(`(?m)^epoch (\d+)/\d+: (validation pseudo-NLL [0-9.]+ nats; free energy training -?[0-9.]+, validation -?[0-9.]+  \(reconstruction error [0-9.]+),`)

// TestRBMResume: PCD stopped after an epoch and resumed (--resume, a
// later flag winning) prints the numbers of an uninterrupted run, and its
// metrics file holds every epoch.
func TestRBMResume(t *testing.T) {
	dir := mnistDir(t)
	tmp := t.TempDir()
	args := []string{"rbm", "--data", dir, "--hidden", "12", "--pcd", "--train-limit", "600", "--binarize", "epoch"}
	code, whole, errOut := deepnet(t, append(args, "--epochs", "3")...)
	if code != 0 {
		t.Fatalf("exit %d\n%s\n%s", code, whole, errOut)
	}
	ck, metrics := filepath.Join(tmp, "ck"), filepath.Join(tmp, "m.jsonl")
	if code, out, errOut := deepnet(t, append(args, "--epochs", "1", "--checkpoint", ck)...); code != 0 {
		t.Fatalf("exit %d\n%s\n%s", code, out, errOut)
	}
	code, resumed, errOut := deepnet(t, "rbm", "--resume", ck, "--epochs", "3", "--metrics", metrics)
	if code != 0 || !strings.Contains(resumed, "resuming after epoch 1") {
		t.Fatalf("exit %d\n%s\n%s", code, resumed, errOut)
	}
	a, b := rbmEpochLine.FindAllStringSubmatch(whole, -1), rbmEpochLine.FindAllStringSubmatch(resumed, -1)
	if len(a) != 3 || len(b) != 2 || a[1][2] != b[0][2] || a[2][2] != b[1][2] {
		t.Errorf("uninterrupted:\n%s\nresumed:\n%s", whole, resumed)
	}
	if recs := readRecords(t, metrics); len(recs) != 3 || recs[0]["free_energy_train"] == nil {
		t.Errorf("metrics after resuming: %v", recs)
	}
}

// TestDBNFineTuning trains a small DBN with labels, draws it, and
// fine-tunes the network it initialises on 20 labelled images of each
// class, with dropout added to its spec.
func TestDBNFineTuning(t *testing.T) {
	dir := mnistDir(t)
	tmp := t.TempDir()
	p := func(name string) string { return filepath.Join(tmp, name) }
	code, out, errOut := deepnet(t, "dbn", "--data", dir, "--hidden", "40,40,60", "--epochs", "2", "--train-limit", "1500", "--top", "pcd-1",
		"--out", p("d.safetensors"), "--metrics", p("m.jsonl"), "--checkpoint", p("ck"))
	if code != 0 {
		t.Fatalf("dbn: exit %d\n%s\n%s", code, out, errOut)
	}
	for _, want := range []string{"dbn      784-40-40-60, 10 labels", "top RBM  pcd-1 probabilities", "RBM 3/3 epoch 2/2", "the DBN's own labels", "saved    "} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	recs := readRecords(t, p("m.jsonl"))
	if len(recs) != 6 || recs[5]["layer"] != 3.0 {
		t.Errorf("records %v", recs)
	}
	code, out, errOut = deepnet(t, "generate", "--data", dir, "--model", p("d.safetensors"), "--out", p("pictures"), "--sweeps", "30", "--frames", "3", "--samples", "4")
	if code != 0 {
		t.Fatalf("generate: exit %d\n%s\n%s", code, out, errOut)
	}
	checkPNG(t, filepath.Join(p("pictures"), "samples.png"), 4*56, 10*56)
	checkGIF(t, filepath.Join(p("pictures"), "chain.gif"), 3, 10*56)
	code, out, errOut = deepnet(t, "generate", "--data", dir, "--model", p("d.safetensors"), "--out", p("seven"), "--sweeps", "10", "--frames", "2", "--label", "7")
	if code != 0 {
		t.Fatalf("generate --label 7: exit %d\n%s\n%s", code, out, errOut)
	}
	checkGIF(t, filepath.Join(p("seven"), "chain.gif"), 2, 56)
	code, out, errOut = deepnet(t, "train", "--data", dir, "--init-from", p("d.safetensors"), "--labels-per-class", "20",
		"--net", "dropout:0.2 fc:40:sigmoid fc:40:sigmoid dropout:0.5 fc:60:sigmoid softmax:10", "--epochs", "2", "--eta", "0.1", "--out", p("net.safetensors"))
	if code != 0 {
		t.Fatalf("train --init-from: exit %d\n%s\n%s", code, out, errOut)
	}
	for _, want := range []string{"training 200 images", "init     the weights of the 3 RBMs of the DBN", "test accuracy at that epoch"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	if code, out, errOut = deepnet(t, "eval", "--data", dir, "--model", p("net.safetensors")); code != 0 {
		t.Errorf("eval of the fine-tuned network: exit %d\n%s\n%s", code, out, errOut)
	}
}

// TestInitFromCopiesTheDBN: the network --init-from starts from computes
// the DBN's hidden probabilities layer by layer and the top RBM's label
// weights.
func TestInitFromCopiesTheDBN(t *testing.T) {
	d, err := rbm.NewDBN(rbm.DBNConfig{Sizes: []int{784, 12, 8}, Labels: 10, In: nn.Shape{C: 1, H: 28, W: 28}, Seed: 3})
	if err != nil {
		t.Fatal(err)
	}
	d.Trained = 2
	c := newTrainCmd()
	c.dbn, *c.initFrom = d, "d.safetensors"
	s, _ := nn.ParseSpec("dropout:0.1 fc:12:sigmoid dropout:0.5 fc:8:sigmoid softmax:10")
	net, err := nn.New(nn.Config{Spec: s, In: d.In, MaxBatch: 1, Seed: 9})
	if err != nil {
		t.Fatal(err)
	}
	if err := c.initWeights(net); err != nil {
		t.Fatal(err)
	}
	ps := net.Params()
	if ps[0].Value.Data[5] != d.RBMs[0].W.Value.Data[5] || ps[3].Value.Data[7] != d.RBMs[1].HBias.Value.Data[7] {
		t.Error("the fully-connected layers do not hold the RBMs' weights")
	}
	// The softmax layer's weight of label 4 from top hidden unit 2: the
	// top RBM's weight of that unit on the visible label unit 4.
	if ps[4].Value.Data[4*8+2] != d.RBMs[1].W.Value.Data[2*d.RBMs[1].Visible+12+4] {
		t.Error("the softmax layer does not hold the label weights")
	}
}

// saveRBMs writes an RBM, a DBN with labels and one without, untrained,
// to dir for the tests of bad inputs.
func saveRBMs(t *testing.T, dir string) (rbmPath, dbnPath, plainDBN string) {
	t.Helper()
	r, _ := rbm.New(rbm.Config{Visible: 784, Hidden: 8, Seed: 1})
	rbmPath = filepath.Join(dir, "r.safetensors")
	if err := rbm.Save(rbmPath, r, model.Info{}); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		path   *string
		name   string
		labels int
	}{{&dbnPath, "d.safetensors", 10}, {&plainDBN, "plain.safetensors", 0}} {
		d, _ := rbm.NewDBN(rbm.DBNConfig{Sizes: []int{784, 8, 6}, Labels: c.labels, In: nn.Shape{C: 1, H: 28, W: 28}, Seed: 1})
		d.Trained = 2
		*c.path = filepath.Join(dir, c.name)
		if err := rbm.SaveDBN(*c.path, d, model.Info{}); err != nil {
			t.Fatal(err)
		}
	}
	return rbmPath, dbnPath, plainDBN
}
