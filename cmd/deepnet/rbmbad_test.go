package main

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/deepnet-go/deepnet/model"
)

// TestRBMFlagValues: a value out of a flag's range of rbm, dbn, generate
// or loglik is an error that names the flag and the range, before any
// data are read (the --data directory given is empty).
func TestRBMFlagValues(t *testing.T) {
	empty := t.TempDir()
	m := filepath.Join(t.TempDir(), "no-such-model.safetensors")
	rbmArgs := func(args ...string) []string { return append([]string{"rbm", "--data", empty}, args...) }
	dbnArgs := func(args ...string) []string { return append([]string{"dbn", "--data", empty}, args...) }
	gen := func(args ...string) []string {
		return append([]string{"generate", "--data", empty, "--model", m, "--out", t.TempDir()}, args...)
	}
	for _, c := range []struct {
		args []string
		want []string
	}{
		{rbmArgs("--hidden", "0"), []string{"--hidden 0: want 1 to 100000 hidden units"}},
		{rbmArgs("--epochs", "0"), []string{"--epochs 0: want 1 or more"}},
		{rbmArgs("--batch", "0"), []string{"--batch 0: want a mini-batch of 1 to 65536"}},
		{rbmArgs("--eta", "0"), []string{"--eta 0: want a learning rate η > 0"}},
		{rbmArgs("--eta", "NaN"), []string{"--eta NaN: want"}},
		{rbmArgs("--weight-cost", "-1"), []string{"--weight-cost -1: want a weight cost ≥ 0"}},
		{rbmArgs("--k", "0"), []string{"--k 0: want 1 to 1000 Gibbs sweeps"}},
		{rbmArgs("--k", "5000"), []string{"--k 5000: want 1 to 1000"}},
		{rbmArgs("--momentum", "1"), []string{`--momentum "1": want μ in [0, 1) or INITIAL:EPOCHS:FINAL`}},
		{rbmArgs("--momentum", "0.5:x:0.9"), []string{`--momentum "0.5:x:0.9": want`}},
		{rbmArgs("--binarize", "coin"), []string{`--binarize: unknown binarisation "coin" (valid: probabilities, fixed, epoch)`}},
		{rbmArgs("--train-limit", "-1"), []string{"--train-limit -1: want 0 (all) or more"}},
		{rbmArgs("--samples-every", "0"), []string{"--samples-every 0: want 1 or more epochs"}},
		{rbmArgs("--gibbs", "0"), []string{"--gibbs 0: want 1 to 100000 sweeps"}},
		{rbmArgs("--workers", "0"), []string{"--workers 0: want 1 to"}},
		{dbnArgs("--hidden", "500,,2000"), []string{`--hidden "500,,2000": want the hidden layers' units`}},
		{dbnArgs("--hidden", "500,-1"), []string{`--hidden "500,-1": want`}},
		{dbnArgs("--hidden", ""), []string{`--hidden "": want`}},
		{dbnArgs("--epochs", "-2"), []string{"--epochs -2: want 1 or more"}},
		{dbnArgs("--k", "-1"), []string{"--k -1: want 1 to 1000"}},
		{dbnArgs("--top", "pcd"), []string{`--top "pcd": want cd-K or pcd-K with K from 1 to 1000`}},
		{dbnArgs("--top", "gibbs-3"), []string{`--top "gibbs-3": want cd-K or pcd-K`}},
		{gen("--samples", "0"), []string{"--samples 0: want 1 to 100 images"}},
		{gen("--sweeps", "0"), []string{"--sweeps 0: want 1 to 100000 sweeps"}},
		{gen("--frames", "1"), []string{"--frames 1: want 2 to 500 frames"}},
		{[]string{"generate", "--model", m}, []string{"--model FILE and --out DIR are required"}},
		{[]string{"loglik", "--model", m, "--betas", "5"}, []string{"--betas 5: want 10 to 1000000"}},
		{[]string{"loglik", "--model", m, "--runs", "1"}, []string{"--runs 1: want 2 to 100000 runs"}},
		{[]string{"loglik"}, []string{"--model FILE is required"}},
		{[]string{"train", "--data", empty, "--labels-per-class", "-1"}, []string{"--labels-per-class -1: want 0 (all) or more"}},
	} {
		checkOneLineError(t, c.args, c.want, empty)
	}
}

// TestModelKindsRefused: a file of an RBM or a DBN given where a network
// is read, a network's where an RBM or a DBN is, and an RBM's and a DBN's
// for each other, are refused in one line that says what the file holds
// and which command reads it.
func TestModelKindsRefused(t *testing.T) {
	dir := mnistDir(t)
	tmp := t.TempDir()
	r, d, _ := saveRBMs(t, tmp)
	net := saveNetwork(t, tmp, "net.safetensors", "fc:10:relu softmax:10", nil)
	digit := filepath.Join(tmp, "digit.png")
	writePNGFile(t, digit, renderDigit(mustLoadMNIST(t, dir).Test.Image(0), 28, 28, 0, 0, 0, true, true))
	notNetwork := []string{"not a network", "deepnet generate draws RBM and DBN files"}
	for _, c := range []struct {
		args []string
		want []string
	}{
		{[]string{"eval", "--data", dir, "--model", r}, append([]string{"holds a restricted Boltzmann machine"}, notNetwork...)},
		{[]string{"eval", "--data", dir, "--model", d}, append([]string{"holds a deep belief net"}, notNetwork...)},
		{[]string{"predict", "--model", d, digit}, append([]string{"holds a deep belief net"}, notNetwork...)},
		{[]string{"predict", "--model", r, digit}, notNetwork},
		{[]string{"viz", "--data", dir, "--model", r, "--out", t.TempDir()}, notNetwork},
		{[]string{"viz", "--data", dir, "--model", d, "--out", t.TempDir()}, notNetwork},
		{[]string{"sample", "--model", d}, notNetwork},
		{[]string{"ensemble", "--data", dir, d}, notNetwork},
		{[]string{"train", "--data", dir, "--teacher", r, "--epochs", "1"}, notNetwork},
		{[]string{"generate", "--data", dir, "--model", net, "--out", t.TempDir()}, []string{"holds a network", "not a restricted Boltzmann machine", "a network's file is for deepnet eval, predict and viz"}},
		{[]string{"loglik", "--data", dir, "--model", net}, []string{"holds a network", "a network's file is for deepnet eval"}},
		{[]string{"train", "--data", dir, "--init-from", net}, []string{"holds a network", "not a deep belief net", "a network's file is for deepnet eval"}},
		{[]string{"train", "--data", dir, "--init-from", r}, []string{"holds a restricted Boltzmann machine", "not a deep belief net", "--init-from takes a deep belief net"}},
		{[]string{"loglik", "--data", dir, "--model", d}, []string{"holds a deep belief net", "deepnet loglik measures an RBM"}},
	} {
		checkOneLineError(t, c.args, c.want)
	}
}

// TestGenerativeBadInputs: a label the model has no unit for, layers that
// do not stack (in a file, in a resumed run, in the network a DBN
// initialises), a DBN whose greedy run stopped: one line each.
func TestGenerativeBadInputs(t *testing.T) {
	dir := mnistDir(t)
	tmp := t.TempDir()
	r, d, plain := saveRBMs(t, tmp)
	out := t.TempDir()
	gen := func(m string, args ...string) []string {
		return append([]string{"generate", "--data", dir, "--model", m, "--out", out, "--sweeps", "2"}, args...)
	}
	// A DBN file whose second RBM reads 7 units on the first one's 8.
	f, err := model.ReadFile(d)
	if err != nil {
		t.Fatal(err)
	}
	f.Metadata["1.visible"] = "17"
	for i, tn := range f.Tensors {
		if tn.Name == "1.W" {
			f.Tensors[i].Shape, f.Tensors[i].Data = []int{6, 17}, make([]float32, 6*17)
		}
		if tn.Name == "1.vbias" {
			f.Tensors[i].Shape, f.Tensors[i].Data = []int{17}, make([]float32, 17)
		}
	}
	bad := filepath.Join(tmp, "unstacked.safetensors")
	if err := model.WriteFileAtomic(bad, f); err != nil {
		t.Fatal(err)
	}
	// A greedy run stopped after its first RBM.
	ck := filepath.Join(tmp, "ck")
	if code, o, e := deepnet(t, "dbn", "--data", dir, "--hidden", "8,6", "--epochs", "1", "--train-limit", "300", "--checkpoint", ck); code != 0 {
		t.Fatalf("dbn: exit %d\n%s\n%s", code, o, e)
	}
	stopped := filepath.Join(tmp, "stopped.safetensors")
	sf, _ := model.ReadFile(filepath.Join(ck, dbnStateFile))
	sf.Metadata["trained_layers"] = "1"
	if err := model.WriteFileAtomic(stopped, sf); err != nil {
		t.Fatal(err)
	}
	// A directory whose checkpoint is a DBN's, given to rbm --resume.
	wrong := filepath.Join(tmp, "wrong")
	os.Mkdir(wrong, 0o755)
	if err := model.WriteFileAtomic(filepath.Join(wrong, checkpointFile), sf); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		args []string
		want []string
	}{
		{gen(d, "--label", "10"), []string{"--label 10: want a label of the model, 0 to 9"}},
		{gen(d, "--label", "-2"), []string{"--label -2: want a label of the model, 0 to 9"}},
		{gen(r, "--label", "3"), []string{"--label 3: ", "has no label units"}},
		{gen(plain, "--label", "0"), []string{"--label 0: ", "has no label units"}},
		{gen(bad), []string{"unstacked.safetensors", "RBM 2 has 7 visible units (labels aside) on the 8 hidden units of RBM 1"}},
		{[]string{"dbn", "--resume", ck, "--hidden", "8,5"}, []string{"RBM 2 of the saved DBN has 18 visible (10 of them labels) and 6 hidden units, this one 18 visible (10 of them labels) and 5 hidden units"}},
		{[]string{"train", "--data", dir, "--init-from", d, "--net", "fc:9:sigmoid fc:6:sigmoid softmax:10"}, []string{"the DBN's weights fit the network \"fc:8 sigmoid fc:6 sigmoid softmax:10\", not \"fc:9 sigmoid"}},
		{[]string{"train", "--data", dir, "--init-from", d, "--net", "fc:8:sigmoid fc:6:sigmoid softmax:5"}, []string{"a network of 5 classes from a DBN of 10 labels"}},
		{[]string{"train", "--data", dir, "--init-from", stopped}, []string{"1 of the DBN's 2 RBMs are trained", "deepnet dbn --resume"}},
		{[]string{"rbm", "--resume", wrong}, []string{"--resume " + wrong, "holds a deep belief net", "not a restricted Boltzmann machine"}},
	} {
		checkOneLineError(t, c.args, c.want)
	}
	if _, err := os.Stat(filepath.Join(out, "filters.png")); err == nil {
		t.Error("generate wrote a picture before refusing its label")
	}
}

// TestRBMOutputPathsCheckedFirst: rbm's, dbn's and generate's output
// paths are checked before anything is loaded or trained (the --data
// directory given is empty, the model missing).
func TestRBMOutputPathsCheckedFirst(t *testing.T) {
	empty, tmp := t.TempDir(), t.TempDir()
	file := filepath.Join(tmp, "a-file")
	if err := os.WriteFile(file, []byte("keep me"), 0o644); err != nil {
		t.Fatal(err)
	}
	m := filepath.Join(tmp, "no-such-model.safetensors")
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"rbm", "--out", tmp}, "--out " + tmp + ": is a directory, not a file"},
		{[]string{"rbm", "--samples", file}, "--samples " + file + ": is a file, not a directory"},
		{[]string{"rbm", "--plot", tmp}, "--plot " + tmp + ": is a directory"},
		{[]string{"rbm", "--checkpoint", file}, "--checkpoint " + file + ": is a file"},
		{[]string{"dbn", "--metrics", tmp}, "--metrics " + tmp + ": is a directory"},
		{[]string{"dbn", "--checkpoint", file}, "--checkpoint " + file + ": is a file"},
		{[]string{"dbn", "--out", filepath.Join(file, "d.safetensors")}, file + " is not a directory"},
		{[]string{"generate", "--model", m, "--out", file}, "--out " + file + ": is a file, not a directory"},
	} {
		checkOneLineError(t, append(c.args, "--data", empty), []string{c.want}, empty)
	}
	if b, err := os.ReadFile(file); err != nil || string(b) != "keep me" {
		t.Errorf("%s holds %q (%v)", file, b, err)
	}
}
