package main

import (
	"fmt"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// smallNet is a network that trains on 5,000 images in about a second.
const smallNet = "conv:8x5x5 maxpool:2 relu fc:50:relu softmax:10"

// trainSmall trains smallNet for one epoch on the first limit MNIST
// training images (about a second per 5,000 images), with η and the seed
// fixed so that changes to the default preset do not change it, saves it
// in a temporary directory and returns the model file and train's output.
// extra are more flags for train.
func trainSmall(t *testing.T, dir string, limit int, extra ...string) (string, string) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "small.safetensors")
	args := []string{"train", "--net", smallNet, "--epochs", "1", "--train-limit", strconv.Itoa(limit),
		"--eta", "0.03", "--seed", "1", "--data", dir, "--out", path}
	code, out, errOut := deepnet(t, append(args, extra...)...)
	if code != 0 {
		t.Fatalf("train: exit %d\n%s\n%s", code, out, errOut)
	}
	return path, out
}

var (
	evalValidation = regexp.MustCompile(`(?m)^validation accuracy ([0-9.]+)%  \(\d+ of 10000 correct\)$`)
	evalAccuracy   = regexp.MustCompile(`(?m)^test accuracy ([0-9.]+)%  \((\d+) of (\d+) correct\)$`)
	classRow       = regexp.MustCompile(`(?m)^ +(\d) +(\d+) +([0-9.]+)%$`)
	confRow        = regexp.MustCompile(`(?m)^ +(\d)((?: +\d+){10})$`)
)

func TestEval(t *testing.T) {
	dir := mnistDir(t)
	path, trainOut := trainSmall(t, dir, 5000)
	want := testAccuracy.FindStringSubmatch(trainOut)
	if want == nil {
		t.Fatalf("no test accuracy in train's output:\n%s", trainOut)
	}
	tmp := t.TempDir()
	misc, conf := filepath.Join(tmp, "mis.png"), filepath.Join(tmp, "conf.png")
	code, out, errOut := deepnet(t, "eval", "--model", path, "--data", dir, "--misclassified", misc, "--confusion", conf)
	if code != 0 {
		t.Fatalf("eval: exit %d\n%s\n%s", code, out, errOut)
	}
	got := evalAccuracy.FindStringSubmatch(out)
	if got == nil {
		t.Fatalf("no test accuracy in eval's output:\n%s", out)
	}
	if got[1] != want[1] {
		t.Errorf("eval says test accuracy %s%%, train said %s%% for the saved epoch", got[1], want[1])
	}
	correct, _ := strconv.Atoi(got[2])
	if got[3] != "10000" {
		t.Errorf("eval counted %s test images, want 10000", got[3])
	}

	// The per-class table: ten digits whose counts sum to 10,000 and whose
	// correct ones sum to the total.
	rows := classRow.FindAllStringSubmatch(out, -1)
	if len(rows) != 10 {
		t.Fatalf("per-class table has %d rows, want 10:\n%s", len(rows), out)
	}
	total, right := 0, 0.0
	for i, r := range rows {
		if r[1] != strconv.Itoa(i) {
			t.Errorf("row %d is for digit %s", i, r[1])
		}
		n, _ := strconv.Atoi(r[2])
		pct, _ := strconv.ParseFloat(r[3], 64)
		total += n
		right += pct / 100 * float64(n)
	}
	if total != 10000 {
		t.Errorf("per-class counts sum to %d, want 10000", total)
	}
	if d := right - float64(correct); d > 1 || d < -1 {
		t.Errorf("per-class accuracies give %.1f correct, the total says %d", right, correct)
	}

	// The confusion matrix: rows sum to the per-class counts, 10,000 in
	// all, and the diagonal to the number correct.
	conf10 := confRow.FindAllStringSubmatch(out, -1)
	if len(conf10) != 10 {
		t.Fatalf("confusion matrix has %d rows, want 10:\n%s", len(conf10), out)
	}
	sum, diag := 0, 0
	for i, r := range conf10 {
		rowSum := 0
		for j, f := range strings.Fields(r[2]) {
			v, _ := strconv.Atoi(f)
			rowSum += v
			if i == j {
				diag += v
			}
		}
		if n := rows[i][2]; strconv.Itoa(rowSum) != n {
			t.Errorf("confusion row %d sums to %d, the table counts %s", i, rowSum, n)
		}
		sum += rowSum
	}
	if sum != 10000 || diag != correct {
		t.Errorf("confusion matrix sums to %d (want 10000), its diagonal to %d (want %d)", sum, diag, correct)
	}
	for _, p := range []string{misc, conf} {
		checkPNG(t, p, 200, 200)
	}

	// The validation accuracy is train's for the saved epoch too; through
	// the one-pixel shifts (--tta) both accuracies are a new count.
	if v := evalValidation.FindStringSubmatch(out); v == nil || !strings.Contains(trainOut, "best validation accuracy "+v[1]+"%") {
		t.Errorf("eval's validation accuracy %v is not train's:\n%s\n%s", v, out, trainOut)
	}
	code, tta, errOut := deepnet(t, "eval", "--model", path, "--data", dir, "--tta", "shifts")
	if code != 0 || !strings.Contains(tta, "views    5 per image") {
		t.Fatalf("eval --tta shifts: exit %d\n%s\n%s", code, tta, errOut)
	}
	if g := evalAccuracy.FindStringSubmatch(tta); g == nil || g[3] != "10000" || g[2] == got[2] {
		t.Errorf("eval --tta shifts: test accuracy %v, want a count of 10000 other than %s without views", g, got[2])
	}
}

func TestEvalErrors(t *testing.T) {
	missing := filepath.Join(t.TempDir(), "no-such-model.safetensors")
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"eval"}, "--model FILE is required"},
		{[]string{"eval", "--model", missing}, missing},
		{[]string{"predict", "--model", missing, "x.png"}, missing},
		{[]string{"predict", "x.png"}, "--model FILE is required"},
		{[]string{"viz", "--model", missing, "--out", t.TempDir()}, missing},
		{[]string{"viz", "--model", missing}, "--out DIR is required"},
		{[]string{"eval", "--model", missing, "--tta", "flip"}, "--tta"},
		{[]string{"train", "--tta", "zoom:3"}, "--tta"},
		{[]string{"ensemble", "--tta", "rotate:x", missing}, "--tta"},
		{[]string{"predict", "--tta", "rotate:x", "--model", missing, "x.png"}, "--tta"},
		{[]string{"viz", "--model", missing, "--out", t.TempDir(), "--image", "1", "--file", "x.png"}, "exclude each other"},
	} {
		code, out, errOut := deepnet(t, c.args...)
		if code != 1 || !strings.Contains(errOut, c.want) || strings.Count(strings.TrimSpace(errOut), "\n") != 0 {
			t.Errorf("%v: exit %d, stderr %q (stdout %q), want one line containing %q", c.args, code, errOut, out, c.want)
		}
	}
	if code, _, _ := deepnet(t, "eval", "--model", missing, "extra"); code != 2 {
		t.Errorf("eval with an argument: exit %d, want 2", code)
	}
}

// TestEvalNamesAveragedWeights: a model saved with averaged weights
// (--average) says which epochs it is the mean of, not "epoch 4 of 3".
// An η of 1e-300 rounds to a float32 step of 0, so every record ties and
// the averaged weights, the last record, are selected (an η of exactly 0
// is no learning rate).
func TestEvalNamesAveragedWeights(t *testing.T) {
	dir := mnistDir(t)
	path := filepath.Join(t.TempDir(), "avg.safetensors")
	code, out, errOut := deepnet(t, "train", "--net", smallNet, "--epochs", "3", "--average", "2", "--select-last", "2", "--train-limit", "1000",
		"--eta", "1e-300", "--seed", "1", "--data", dir, "--out", path)
	if code != 0 {
		t.Fatalf("train: exit %d\n%s\n%s", code, out, errOut)
	}
	if !strings.Contains(out, "(weights of the mean of epochs 2-3)") {
		t.Fatalf("train did not save the averaged weights:\n%s", out)
	}
	if !strings.Contains(out, "best validation accuracy (of the last 2 epochs and the averaged weights)") {
		t.Errorf("train does not say where it selected:\n%s", out)
	}
	code, out, errOut = deepnet(t, "eval", "--model", path, "--data", dir)
	if code != 0 {
		t.Fatalf("eval: exit %d\n%s\n%s", code, out, errOut)
	}
	if !strings.Contains(out, "trained  the mean of epochs 2-3 of 3;") {
		t.Errorf("eval does not name the averaged epochs:\n%s", out)
	}
}

// TestEvalSavedViews: a network selected through views records them, eval
// says so beside the saved accuracies, and eval through the same views
// measures them again.
func TestEvalSavedViews(t *testing.T) {
	dir := mnistDir(t)
	path, trainOut := trainSmall(t, dir, 2000, "--tta", "id,rotate:4")
	best := regexp.MustCompile(`best validation accuracy ([0-9.]+)% .*; test accuracy at that epoch ([0-9.]+)%`).FindStringSubmatch(trainOut)
	if best == nil {
		t.Fatalf("no best validation accuracy in train's output:\n%s", trainOut)
	}
	code, out, errOut := deepnet(t, "eval", "--model", path, "--data", dir)
	saved := fmt.Sprintf("validation accuracy %s%%, test accuracy %s%% when saved through views id,rotate:4", best[1], best[2])
	if code != 0 || !strings.Contains(out, saved) {
		t.Fatalf("eval: exit %d, want %q in\n%s\n%s", code, saved, out, errOut)
	}
	code, out, errOut = deepnet(t, "eval", "--model", path, "--data", dir, "--tta", "id,rotate:4")
	if code != 0 || !strings.Contains(out, "validation accuracy "+best[1]+"%  (") || !strings.Contains(out, "test accuracy "+best[2]+"%  (") {
		t.Fatalf("eval --tta id,rotate:4: exit %d, want train's %s%% and %s%%\n%s\n%s", code, best[1], best[2], out, errOut)
	}
}
