//go:build mpi

package main

import (
	"bufio"
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"
)

// These tests run deepnet under mpirun (Open MPI), built with the tag
// mpi: go test -tags mpi -run MPI ./cmd/deepnet (.ci/mpi-test).

// mpiSetup builds deepnet with the tag mpi and returns it, MNIST's
// directory and the mpirun command line for np processes.
func mpiSetup(t *testing.T, np string) (bin, data string, mpirun []string) {
	t.Helper()
	path, err := exec.LookPath("mpirun")
	if err != nil {
		t.Skip("mpirun not found (apt-get install openmpi-bin libopenmpi-dev): skipping the MPI tests")
	}
	data = mnistDir(t)
	bin = filepath.Join(t.TempDir(), "deepnet")
	if out, err := exec.Command("go", "build", "-tags", "mpi", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build -tags mpi: %v\n%s", err, out)
	}
	// Yield the core while waiting in a collective call: the machine is
	// shared, and a process that polls takes the core from the one it waits for.
	mpirun = []string{path, "-np", np, "--oversubscribe", "--mca", "mpi_yield_when_idle", "1"}
	if os.Geteuid() == 0 {
		mpirun = append(mpirun, "--allow-run-as-root")
	}
	return bin, data, mpirun
}

// TestMPI builds deepnet with the tag mpi once and runs the group's
// tests with it.
func TestMPI(t *testing.T) {
	bin, data, mpirun := mpiSetup(t, "2")
	t.Run("EqualsOneProcess", func(t *testing.T) { testMPIEqualsOneProcess(t, bin, data, mpirun) })
	t.Run("Resumes", func(t *testing.T) { testMPIResumes(t, bin, data, mpirun) })
}

// testMPIEqualsOneProcess trains a small network for an epoch on 1,000
// images in two processes under mpirun and in one process: the accuracies
// printed are the same, the weights agree to within 1e-5 of 1+|w| (float
// rounding: the shards' gradients are summed in another order; the network
// has no dropout or batch normalisation), rank 0 alone prints, writes the
// model, the metrics and the checkpoint (each rank is given a checkpoint
// directory of its own here, and rank 1's stays empty).
func testMPIEqualsOneProcess(t *testing.T, bin, data string, mpirun []string) {
	tmp := t.TempDir()
	args := []string{"train", "--net", "conv:8x5x5 maxpool:2 relu fc:50:relu softmax:10", "--epochs", "1",
		"--train-limit", "1000", "--seed", "3", "--data", data}
	one, err := exec.Command(bin, append(args, "--out", filepath.Join(tmp, "one.safetensors"))...).Output()
	if err != nil {
		t.Fatalf("one process: %v\n%s", err, stderrOf(err))
	}
	script := `exec "$0" "$@" --checkpoint "$CK$OMPI_COMM_WORLD_RANK"`
	cmd := exec.Command(mpirun[0], append(append(mpirun[1:], "sh", "-c", script, bin), append(args,
		"--out", filepath.Join(tmp, "two.safetensors"), "--metrics", filepath.Join(tmp, "two.jsonl"))...)...)
	cmd.Env = append(os.Environ(), "CK="+filepath.Join(tmp, "ck"))
	two, err := cmd.Output()
	if err != nil {
		t.Fatalf("mpirun: %v\n%s\n%s", err, two, stderrOf(err))
	}
	t.Logf("mpirun -np 2:\n%s", two)
	if a, b := resultLines(string(two)), resultLines(string(one)); len(b) != 2 || strings.Join(a, "\n") != strings.Join(b, "\n") {
		t.Errorf("two processes printed\n%s\none printed\n%s", strings.Join(a, "\n"), strings.Join(b, "\n"))
	}
	if !strings.Contains(string(two), "parallel 2 processes (MPI)") || strings.Count(string(two), "saved ") != 1 {
		t.Errorf("the group's output does not say it is one, or is printed twice:\n%s", two)
	}
	if m, err := os.ReadFile(filepath.Join(tmp, "two.jsonl")); err != nil || bytes.Count(m, []byte("\n")) != 1 {
		t.Errorf("metrics: %v, %q, want one line", err, m)
	}
	if _, err := os.Stat(filepath.Join(tmp, "ck0", checkpointFile)); err != nil {
		t.Errorf("rank 0 wrote no checkpoint: %v", err)
	}
	if ents, err := os.ReadDir(filepath.Join(tmp, "ck1")); err != nil || len(ents) != 0 {
		t.Errorf("rank 1's checkpoint directory: %v, %v; want it empty", ents, err)
	}
	worst := compareModels(t, filepath.Join(tmp, "two.safetensors"), filepath.Join(tmp, "one.safetensors"), 1e-5)
	t.Logf("largest difference of a weight, two processes against one: %.2g of 1+|w|", worst)
}

// testMPIResumes kills a group of two processes (SIGKILL to mpirun and
// the processes it started, all in one process group, as when a machine
// fails) a third of an epoch into its second epoch of four, resumes it
// under mpirun from rank 0's checkpoint, and compares with the same group
// left alone: the same lines, the same weights bit for bit.
func testMPIResumes(t *testing.T, bin, data string, mpirun []string) {
	tmp := t.TempDir()
	args := append(append([]string{}, mpirun...), bin, "train", "--net", "conv:8x5x5 maxpool:2 relu dropout:0.2 fc:50:relu softmax:10",
		"--epochs", "4", "--train-limit", "2000", "--seed", "4", "--data", data)
	whole, err := exec.Command(args[0], append(args[1:], "--out", filepath.Join(tmp, "whole.safetensors"))...).Output()
	if err != nil {
		t.Fatalf("uninterrupted: %v\n%s", err, stderrOf(err))
	}
	ck := filepath.Join(tmp, "ck")
	victim := exec.Command(args[0], append(args[1:], "--checkpoint", ck)...)
	victim.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	stdout, err := victim.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := victim.Start(); err != nil {
		t.Fatal(err)
	}
	defer victim.Process.Kill()
	sc := bufio.NewScanner(stdout)
	epoch1 := regexp.MustCompile(`^epoch 1/4: .*, ([0-9.]+)s\)$`)
	for sc.Scan() {
		if m := epoch1.FindStringSubmatch(sc.Text()); m != nil {
			secs, _ := time.ParseDuration(m[1] + "s")
			time.Sleep(secs / 3)
			break
		}
	}
	syscall.Kill(-victim.Process.Pid, syscall.SIGKILL)
	var rest bytes.Buffer
	rest.ReadFrom(stdout)
	victim.Wait()
	if strings.Contains(rest.String(), "epoch 4/4") {
		t.Fatalf("killed too late:\n%s", rest.String())
	}
	resumed, err := exec.Command(args[0], append(mpirun[1:], bin, "train", "--resume", ck, "--out", filepath.Join(tmp, "resumed.safetensors"))...).Output()
	if err != nil {
		t.Fatalf("resume: %v\n%s", err, stderrOf(err))
	}
	t.Logf("resumed:\n%s", resumed)
	if !bytes.Contains(resumed, []byte("resuming after epoch ")) {
		t.Errorf("the resumed group does not say where it resumes")
	}
	if a, b := resultLines(string(resumed)), resultLines(string(whole)); len(b) != 5 || strings.Join(a, "\n") != strings.Join(b, "\n") {
		t.Errorf("resumed:\n%s\nuninterrupted:\n%s", strings.Join(a, "\n"), strings.Join(b, "\n"))
	}
	compareModels(t, filepath.Join(tmp, "resumed.safetensors"), filepath.Join(tmp, "whole.safetensors"), 0)
}
