package main

import (
	"bufio"
	"bytes"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/deepnet-go/deepnet/model"
)

// TestKillAndResume is the crash test of checkpointing: a training run is
// killed with SIGKILL (no chance to clean up) inside its second epoch or
// later, resumed from its checkpoint directory to the end, and must print
// the same epochs and final accuracies, and save the same weights, as the
// same run left alone: with SGD and momentum (the quick preset's), and
// with Adam and gradient clipping, whose state is its moments and step
// counts. Adam's checkpoint is then refused to SGD.
func TestKillAndResume(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary and trains three times per optimiser; skipped with -short")
	}
	dir := mnistDir(t)
	bin := buildBinary(t, t.TempDir())
	for _, c := range []struct {
		name string
		args []string
	}{{"sgd", nil}, {"adam", []string{"--optimizer", "adam", "--eta", "0.001", "--clip", "1"}}} {
		t.Run(c.name, func(t *testing.T) {
			ckDir := killAndResume(t, bin, dir, c.args)
			if c.name != "adam" {
				return
			}
			_, err := exec.Command(bin, "train", "--resume", ckDir, "--optimizer", "sgd").Output()
			if msg := string(stderrOf(err)); err == nil || !strings.Contains(msg, "the checkpoint was trained with adam, this run would continue with sgd") || strings.Count(msg, "\n") != 1 {
				t.Errorf("Adam's checkpoint resumed with --optimizer sgd: %v, %q", err, msg)
			}
		})
	}
}

// killAndResume is TestKillAndResume with the flags extra, on the MNIST
// files in dir; it returns the checkpoint directory.
func killAndResume(t *testing.T, bin, dir string, extra []string) string {
	tmp := t.TempDir()
	// About 1-2 s an epoch (training and evaluating 20,000 images).
	args := append([]string{"train", "--net", "conv:8x5x5 maxpool:2 relu fc:50:relu softmax:10", "--epochs", "3",
		"--train-limit", "6000", "--seed", "3", "--data", dir}, extra...)
	ckDir := filepath.Join(tmp, "run")
	modelA, modelB := filepath.Join(tmp, "a.safetensors"), filepath.Join(tmp, "b.safetensors")

	// The same run, left alone, alongside.
	var outB, errB bytes.Buffer
	runB := exec.Command(bin, append(args, "--out", modelB)...)
	runB.Stdout, runB.Stderr = &outB, &errB
	if err := runB.Start(); err != nil {
		t.Fatal(err)
	}
	defer runB.Process.Kill()

	// The run to kill: wait for epoch 1's line (the checkpoint is written
	// before it is printed) and kill a third of an epoch later.
	victim := exec.Command(bin, append(args, "--checkpoint", ckDir)...)
	stdout, err := victim.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	var errV bytes.Buffer
	victim.Stderr = &errV
	if err := victim.Start(); err != nil {
		t.Fatal(err)
	}
	defer victim.Process.Kill()
	lines := make(chan string)
	go func() {
		defer close(lines)
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			lines <- sc.Text()
		}
	}()
	epochLine := regexp.MustCompile(`^epoch 1/3: .*, ([0-9.]+)s\)$`)
	var seen []string
	timeout := time.After(2 * time.Minute)
wait:
	for {
		select {
		case line, ok := <-lines:
			if !ok {
				t.Fatalf("the run ended before epoch 1 was done:\n%s\n%s", strings.Join(seen, "\n"), errV.String())
			}
			seen = append(seen, line)
			if m := epochLine.FindStringSubmatch(line); m != nil {
				secs, _ := strconv.ParseFloat(m[1], 64)
				if _, err := os.Stat(filepath.Join(ckDir, checkpointFile)); err != nil {
					t.Fatalf("epoch 1 done but no checkpoint: %v", err)
				}
				time.Sleep(time.Duration(math.Max(secs/3, 0.05) * float64(time.Second)))
				break wait
			}
		case <-timeout:
			t.Fatalf("no epoch 1 after 2 minutes:\n%s\n%s", strings.Join(seen, "\n"), errV.String())
		}
	}
	if err := victim.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	for line := range lines {
		seen = append(seen, line)
	}
	if err := victim.Wait(); err == nil || victim.ProcessState.Success() {
		t.Fatalf("the killed run exited normally:\n%s", strings.Join(seen, "\n"))
	}
	killed := strings.Join(seen, "\n")
	if strings.Contains(killed, "epoch 3/3") || strings.Contains(killed, "best validation") {
		t.Fatalf("killed too late, the run had finished its last epoch:\n%s", killed)
	}
	t.Logf("killed after:\n%s", killed)

	// A save killed in the middle leaves its temporary file; plant one
	// (the kill above only sometimes lands in a save): resuming removes it.
	leftover := filepath.Join(ckDir, "."+checkpointFile+".tmp-123456789")
	if err := os.WriteFile(leftover, []byte("half a checkpoint"), 0o644); err != nil {
		t.Fatal(err)
	}
	past := time.Now().Add(-time.Minute)
	os.Chtimes(leftover, past, past)

	// Resume to the end.
	resumed, err := exec.Command(bin, "train", "--resume", ckDir, "--out", modelA).Output()
	if err != nil {
		t.Fatalf("resume: %v\n%s", err, stderrOf(err))
	}
	if err := runB.Wait(); err != nil {
		t.Fatalf("uninterrupted run: %v\n%s\n%s", err, outB.String(), errB.String())
	}
	t.Logf("resumed:\n%s", resumed)
	if ents, _ := os.ReadDir(ckDir); len(ents) != 1 || ents[0].Name() != checkpointFile {
		t.Errorf("after resuming the checkpoint directory holds %v, want only %s", ents, checkpointFile)
	}
	if !bytes.Contains(resumed, []byte("resuming after epoch ")) {
		t.Errorf("the resumed run does not say where it resumes:\n%s", resumed)
	}
	a, b := resultLines(string(resumed)), resultLines(outB.String())
	if len(b) != 4 || strings.Join(a, "\n") != strings.Join(b, "\n") {
		t.Errorf("resumed run printed\n%s\nthe uninterrupted run\n%s", strings.Join(a, "\n"), strings.Join(b, "\n"))
	}

	// The saved weights are the same, bit for bit.
	fa, err := model.ReadFile(modelA)
	if err != nil {
		t.Fatal(err)
	}
	fb, err := model.ReadFile(modelB)
	if err != nil {
		t.Fatal(err)
	}
	if len(fa.Tensors) != len(fb.Tensors) || len(fa.Tensors) == 0 {
		t.Fatalf("%d tensors after resuming, %d uninterrupted", len(fa.Tensors), len(fb.Tensors))
	}
	for i, ta := range fa.Tensors {
		tb := fb.Tensors[i]
		if ta.Name != tb.Name || !slices.Equal(ta.Shape, tb.Shape) || len(ta.Data) != len(tb.Data) {
			t.Errorf("tensor %d: %s %v after resuming, %s %v uninterrupted", i, ta.Name, ta.Shape, tb.Name, tb.Shape)
			continue
		}
		for j := range ta.Data {
			if math.Float32bits(ta.Data[j]) != math.Float32bits(tb.Data[j]) {
				t.Errorf("tensor %s[%d]: %g after resuming, %g uninterrupted", ta.Name, j, ta.Data[j], tb.Data[j])
				break
			}
		}
	}
	return ckDir
}

// resultLines returns train's epoch lines and final line without their
// times.
func resultLines(out string) []string {
	times := regexp.MustCompile(`, [0-9.]+s\)$|  \([0-9hms.]+\)$`)
	var r []string
	for _, line := range strings.Split(out, "\n") {
		if strings.HasPrefix(line, "epoch ") || strings.HasPrefix(line, "best validation") {
			r = append(r, times.ReplaceAllString(line, ""))
		}
	}
	return r
}

func stderrOf(err error) []byte {
	if ee, ok := err.(*exec.ExitError); ok {
		return ee.Stderr
	}
	return nil
}

// buildBinary builds deepnet into dir and returns its path.
func buildBinary(t *testing.T, dir string) string {
	t.Helper()
	bin := filepath.Join(dir, "deepnet")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}
