package main

import (
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"

	"github.com/deepnet-go/deepnet/data/mnist"
	"github.com/deepnet-go/deepnet/nn"
	"github.com/deepnet-go/deepnet/train"
)

// checkOneLineError runs args and checks that they fail with exit status
// 1 and one line on stderr, "deepnet CMD: ", that contains each of want
// and none of notWant.
func checkOneLineError(t *testing.T, args []string, want []string, notWant ...string) {
	t.Helper()
	code, out, errOut := deepnet(t, args...)
	line := strings.TrimSuffix(errOut, "\n")
	ok := code == 1 && strings.HasPrefix(line, "deepnet "+args[0]+": ") && !strings.Contains(line, "\n")
	for _, w := range want {
		ok = ok && strings.Contains(line, w)
	}
	for _, w := range notWant {
		ok = ok && !strings.Contains(line, w)
	}
	if !ok {
		t.Errorf("%q: exit %d, stderr %q (stdout %q); want exit 1 and one line with %q, without %q", args, code, errOut, out, want, notWant)
	}
}

// TestFlagValuesThatCannotBeMeant: a value out of a flag's range is an
// error that names the flag and the range, before any data are read (the
// --data directory given is empty, so a command that went on would fail
// on it, naming it, instead), never a silent fall-back to the preset.
func TestFlagValuesThatCannotBeMeant(t *testing.T) {
	empty := t.TempDir()
	model := filepath.Join(t.TempDir(), "no-such-model.safetensors")
	tooMany := fmt.Sprint(maxWorkers() + 1)
	train := func(args ...string) []string { return append([]string{"train", "--data", empty}, args...) }
	for _, c := range []struct {
		args []string
		want []string
	}{
		{train("--epochs", "0"), []string{"--epochs 0: want 1 or more"}},
		{train("--epochs", "-3"), []string{"--epochs -3: want 1 or more"}},
		{train("--batch", "0"), []string{"--batch 0: want", "1 or more"}},
		{train("--batch", "-1"), []string{"--batch -1: want"}},
		{train("--eta", "0"), []string{"--eta 0: want", "η > 0"}},
		{train("--eta", "-0.1"), []string{"--eta -0.1: want", "η > 0"}},
		{train("--eta", "NaN"), []string{"--eta NaN: want", "η > 0"}},
		{train("--eta", "Inf"), []string{"--eta +Inf: want", "η > 0"}},
		{train("--lambda", "-1"), []string{"--lambda -1: want λ ≥ 0"}},
		{train("--lambda", "NaN"), []string{"--lambda NaN: want λ ≥ 0"}},
		{train("--momentum", "1"), []string{"--momentum 1: want 0 ≤ μ < 1"}},
		{train("--momentum", "-0.5"), []string{"--momentum -0.5: want 0 ≤ μ < 1"}},
		{train("--label-smoothing", "1"), []string{"--label-smoothing 1: want 0 ≤ ε < 1"}},
		{train("--label-smoothing", "-0.1"), []string{"--label-smoothing -0.1: want 0 ≤ ε < 1"}},
		{train("--workers", "0"), []string{"--workers 0: want 1 to " + fmt.Sprint(maxWorkers())}},
		{train("--workers", "-2"), []string{"--workers -2: want 1 to"}},
		{train("--workers", tooMany), []string{"--workers " + tooMany + ": want 1 to", fmt.Sprintf("this machine has %d", runtime.NumCPU())}},
		{train("--train-limit", "-1"), []string{"--train-limit -1: want 0 (all) or more"}},
		{train("--net", ""), []string{`--net "": want a network spec`}},
		{train("--preset", ""), []string{`unknown preset ""`}},
		{train("--patience", "-1"), []string{"--patience -1: want 0"}},
		{train("--average", "-1"), []string{"--average -1: want 0"}},
		{train("--select-last", "-1"), []string{"--select-last -1: want 0"}},
		{train("--average", "5", "--epochs", "4"), []string{"--average 5: more than the 4 epochs; want 0 to 4"}},
		{train("--preset", "best", "--epochs", "4"), []string{"--average 10 (preset best's): more than the 4 epochs; want 0 to 4"}},
		{train("--shift", "-1"), []string{"--shift -1: want 0"}},
		{train("--rotate", "-1"), []string{"--rotate -1: want 0 (off) to 180 degrees"}},
		{train("--scale", "1"), []string{"--scale 1: want 0 ≤ S < 1"}},
		{train("--elastic", "34"), []string{`--elastic "34": want ALPHA:SIGMA`}},
		{train("--elastic", "34:0"), []string{`--elastic "34:0": want ALPHA:SIGMA with ALPHA ≥ 0 and SIGMA > 0`}},
		{train("--elastic", ""), []string{`--elastic "": want ALPHA:SIGMA`}},
		{train("--init", "xavier"), []string{"--init: ", "valid: network3, he, pytorch"}},
		{train("--optimizer", "adamw"), []string{`--optimizer: unknown optimiser "adamw"`, "valid: sgd, adam, adam:BETA1:BETA2:EPS, rmsprop"}},
		{train("--optimizer", "adam:1"), []string{"--optimizer: ", "β1 1 outside [0, 1)"}},
		{train("--optimizer", "rmsprop:0.9:0"), []string{"--optimizer: ", "ε 0 must be positive"}},
		{train("--optimizer", ""), []string{`--optimizer "": want sgd, adam`}},
		{train("--optimizer", "adam", "--momentum", "0.9"), []string{"--momentum 0.9: momentum is SGD's, and the optimiser is adam", "give --optimizer sgd"}},
		{train("--optimizer", "rmsprop", "--nesterov"), []string{"--nesterov true: momentum is SGD's, and the optimiser is rmsprop"}},
		{train("--clip", "-1"), []string{"--clip -1: want a gradient norm ≥ 0 (0: no clipping)"}},
		{train("--clip", "NaN"), []string{"--clip NaN: want a gradient norm ≥ 0"}},
		{train("--clip", "Inf"), []string{"--clip +Inf: want a gradient norm ≥ 0"}},
		{train("--schedule", "linear"), []string{"--schedule: ", "valid: const"}},
		{train("--tta", "flip"), []string{"--tta: "}},
		{train("--teacher", model, "--teacher-weight", "1.5"), []string{"--teacher-weight 1.5: want a weight in [0, 1]"}},
		{train("--teacher", model, "--teacher-weight", "NaN"), []string{"--teacher-weight NaN: want a weight in [0, 1]"}},
		{train("--teacher", model, "--teacher-temperature", "0"), []string{"--teacher-temperature 0: want a positive temperature"}},
		{train("--teacher", model, "--teacher-temperature", "NaN"), []string{"--teacher-temperature NaN: want a positive temperature"}},
		{train("--teacher-weight", "0.5"), []string{"--teacher-weight needs --teacher"}},
		{train("--teacher-temperature", "2"), []string{"--teacher-temperature needs --teacher"}},
		{[]string{"bench", "--data", empty, "--images", "0"}, []string{"--images 0: want 1 or more"}},
		{[]string{"bench", "--data", empty, "--images", "-5"}, []string{"--images -5: want 1 or more"}},
		{[]string{"bench", "--data", empty, "--eta", "-1"}, []string{"--eta -1: want"}},
		{[]string{"bench", "--data", empty, "--optimizer", "lion"}, []string{`--optimizer: unknown optimiser "lion"`}},
		{[]string{"ensemble", "--data", empty, "--clip", "-2"}, []string{"--clip -2: want"}},
		{[]string{"ensemble", "--data", empty, "--members", "0"}, []string{"--members 0: want 1 or more"}},
		{[]string{"ensemble", "--data", empty, "--members", "-1"}, []string{"--members -1: want 1 or more"}},
		{[]string{"ensemble", "--data", empty, "--momentum", "2"}, []string{"--momentum 2: want 0 ≤ μ < 1"}},
		{[]string{"ensemble", "--data", empty, "--epochs", "3", model}, []string{"--epochs says how to train members", "--data, --method, --tta, --workers"}},
		{[]string{"viz", "--data", empty, "--model", model, "--out", t.TempDir(), "--image", "-1"}, []string{"--image -1: want"}},
		{[]string{"eval", "--data", empty, "--model", model, "--workers", "0"}, []string{"--workers 0: want 1 to"}},
		{[]string{"predict", "--model", model, "--workers", tooMany, "x.png"}, []string{"--workers " + tooMany + ": want 1 to"}},
	} {
		checkOneLineError(t, c.args, c.want, empty)
	}
}

// TestLambdaErrorBlamesLambda: a λ so large that weight decay would erase
// every weight at every step is refused before training, as λ's error;
// it does not suggest a smaller η. Given --eta alone, the error is η's.
func TestLambdaErrorBlamesLambda(t *testing.T) {
	dir := mnistDir(t)
	args := []string{"train", "--net", "fc:10:relu softmax:10", "--epochs", "1", "--train-limit", "1000", "--data", dir}
	// 1,000 images in mini-batches of 10: 100 mini-batches; η 0.01.
	checkOneLineError(t, append(args, "--eta", "0.01", "--lambda", "1e5"),
		[]string{"--lambda 100000: ", "η·λ/100 = 10 of every weight", "want λ < 10000"}, "--eta", "smaller learning rate")
	checkOneLineError(t, append(args, "--eta", "2000"),
		[]string{"--eta 2000: with the preset's λ 0.1", "want η < 1000, or a smaller --lambda"})
}

// TestOutputPathsCheckedFirst: a path that a command would write, and
// cannot, is an error naming the flag before anything is loaded or
// trained (the empty --data directory would fail otherwise); the check
// leaves no file behind and no existing file changed.
func TestOutputPathsCheckedFirst(t *testing.T) {
	empty := t.TempDir()
	tmp := t.TempDir()
	file := filepath.Join(tmp, "a-file")
	if err := os.WriteFile(file, []byte("keep me"), 0o644); err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(tmp, "a-dir")
	if err := os.Mkdir(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	model := filepath.Join(tmp, "no-such-model.safetensors")
	underFile := filepath.Join(file, "m.safetensors")
	cases := []struct {
		args []string
		want string
	}{
		{[]string{"train", "--out", dir}, "--out " + dir + ": is a directory, not a file"},
		{[]string{"train", "--out", underFile}, "--out " + underFile + ": " + file + " is not a directory"},
		{[]string{"train", "--plot", dir}, "--plot " + dir + ": is a directory"},
		{[]string{"train", "--metrics", dir}, "--metrics " + dir + ": is a directory"},
		{[]string{"train", "--checkpoint", file}, "--checkpoint " + file + ": is a file, not a directory"},
		{[]string{"ensemble", "--save", file}, "--save " + file + ": is a file, not a directory"},
		{[]string{"eval", "--model", model, "--misclassified", dir}, "--misclassified " + dir + ": is a directory"},
		{[]string{"eval", "--model", model, "--confusion", underFile}, "--confusion " + underFile + ": " + file + " is not a directory"},
		{[]string{"viz", "--model", model, "--out", file}, "--out " + file + ": is a file, not a directory"},
		{[]string{"bench", "--cpuprofile", dir}, "--cpuprofile " + dir + ": is a directory"},
		{[]string{"expand", "--out", file}, "--out " + file + ": is a file, not a directory"},
	}
	if _, err := os.Stat(os.DevNull); err == nil && runtime.GOOS != "windows" {
		cases = append(cases, struct {
			args []string
			want string
		}{[]string{"train", "--plot", os.DevNull}, "--plot " + os.DevNull + ": is not a regular file"})
	}
	// A directory nothing can be created in: /sys refuses even root; a
	// directory without write permission refuses others.
	if st, err := os.Stat("/sys/kernel"); err == nil && st.IsDir() && runtime.GOOS == "linux" {
		cases = append(cases, struct {
			args []string
			want string
		}{[]string{"train", "--out", "/sys/kernel/new/m.safetensors"}, "--out /sys/kernel/new/m.safetensors: cannot write into directory /sys/kernel"})
	}
	if os.Geteuid() != 0 && runtime.GOOS != "windows" {
		ro := filepath.Join(tmp, "read-only")
		if err := os.Mkdir(ro, 0o555); err != nil {
			t.Fatal(err)
		}
		cases = append(cases, struct {
			args []string
			want string
		}{[]string{"train", "--metrics", filepath.Join(ro, "m.jsonl")}, "cannot write into directory " + ro})
	}
	before := listFiles(t, tmp)
	for _, c := range cases {
		args := append(slices.Clone(c.args), "--data", empty)
		checkOneLineError(t, args, []string{c.want}, empty)
	}
	// Paths that can be written pass the check; the command goes on to
	// fail on the data, having created no file and no directory and left
	// the existing file as it was.
	newDir := filepath.Join(tmp, "new", "deeper")
	for _, args := range [][]string{
		{"train", "--out", filepath.Join(newDir, "m.safetensors"), "--metrics", file, "--plot", file, "--checkpoint", filepath.Join(newDir, "ck")},
		{"ensemble", "--save", newDir},
		{"viz", "--model", model, "--out", newDir},
		{"eval", "--model", model, "--misclassified", file},
	} {
		code, _, errOut := deepnet(t, append(args, "--data", empty)...)
		if code != 1 || !strings.Contains(errOut, empty) && !strings.Contains(errOut, model) {
			t.Errorf("%q: exit %d, stderr %q; want the check to pass and the data or the model to fail", args, code, errOut)
		}
	}
	if after := listFiles(t, tmp); !slices.Equal(before, after) {
		t.Errorf("the checks changed %s:\nbefore %q\nafter  %q", tmp, before, after)
	}
	if b, err := os.ReadFile(file); err != nil || string(b) != "keep me" {
		t.Errorf("%s holds %q (%v) after the checks, want it untouched", file, b, err)
	}
}

// listFiles lists the paths under root.
func listFiles(t *testing.T, root string) []string {
	t.Helper()
	var paths []string
	err := filepath.WalkDir(root, func(path string, d os.DirEntry, err error) error {
		paths = append(paths, path)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return paths
}

// TestHints: the library's typed errors, which name no flag, get the flag
// to change; other errors are left as they are.
func TestHints(t *testing.T) {
	for _, c := range []struct {
		err  error
		want string
	}{
		{fmt.Errorf("loading: %w", &mnist.LocateError{}), "; deepnet takes that directory as --data DIR"},
		{&train.DivergedError{Cost: math.NaN()}, "; try a smaller learning rate (--eta)"},
		{fmt.Errorf("x: %w", &nn.MemoryError{What: "the network", Need: 2e9, Limit: 1e9}), "--max-memory"},
	} {
		err := withHint(c.err)
		if err == nil || !strings.HasSuffix(err.Error(), c.want) || !errors.Is(err, c.err) {
			t.Errorf("%v: got %v, want it ending in %q", c.err, err, c.want)
		}
	}
	other := errors.New("data: /x: no train-images-idx3-ubyte")
	if withHint(other) != other || withHint(nil) != nil {
		t.Error("withHint changed another error")
	}
}
