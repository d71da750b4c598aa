package main

import (
	"encoding/json"
	"fmt"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/deepnet-go/deepnet/model"
	"github.com/deepnet-go/deepnet/sweep"
	"github.com/deepnet-go/deepnet/train"
)

// slurmCluster skips the test unless sbatch reaches a Slurm controller;
// with DEEPNET_SLURM_TEST set (.ci/slurm-test, which starts a one-node
// cluster) it fails instead.
func slurmCluster(t *testing.T) {
	t.Helper()
	skip := t.Skip
	if os.Getenv("DEEPNET_SLURM_TEST") != "" {
		skip = t.Fatal
	}
	if _, err := exec.LookPath("sbatch"); err != nil {
		skip("Slurm is not installed (no sbatch): skipping the Slurm sweep; .ci/slurm-test installs it and runs this test on a one-node cluster")
		return
	}
	if out, err := exec.Command("scontrol", "ping").CombinedOutput(); err != nil || !strings.Contains(string(out), "UP") {
		skip(fmt.Sprintf("no Slurm controller answers (scontrol ping: %v, %s): skipping the Slurm sweep; .ci/slurm-test starts one", err, strings.TrimSpace(string(out))))
	}
}

// TestSlurmSweep submits a sweep of three tiny trainings as a Slurm array
// job, requeues one task after its first epoch (as preemption does), and
// checks that the requeued task resumed from its checkpoint, that all
// three models arrive, that the resumed model is the one an uninterrupted
// run makes (bit for bit), and that deepnet sweep report gives each run's
// selection (best validation epoch of its metrics, ties to the later) and
// their mean and standard deviation.
func TestSlurmSweep(t *testing.T) {
	slurmCluster(t)
	data := mnistDir(t)
	tmp := t.TempDir()
	bin := buildBinary(t, tmp)
	settings := filepath.Join(tmp, "s.json")
	args := []string{"--net", "conv:4x5x5 maxpool:2 relu fc:30:relu softmax:10", "--train-limit", "5000", "--epochs", "6", "--data", data}
	b, _ := json.Marshal(map[string]any{"args": args, "seeds": []int{1, 2, 3}})
	if err := os.WriteFile(settings, b, 0o644); err != nil {
		t.Fatal(err)
	}
	dir := sweep.Dir(filepath.Join(tmp, "sweep"))
	out, err := exec.Command(bin, "sweep", "--slurm", "--submit", settings, string(dir)).CombinedOutput()
	if err != nil {
		t.Fatalf("deepnet sweep --slurm --submit: %v\n%s", err, out)
	}
	t.Logf("%s", out)
	var job string
	if _, err := fmt.Sscanf(string(out[strings.Index(string(out), "submitted job "):]), "submitted job %s", &job); err != nil {
		t.Fatalf("no job id in %q", out)
	}
	job = strings.TrimSuffix(job, ":")
	defer exec.Command("scancel", job).Run()
	p, err := dir.ReadPlan()
	if err != nil {
		t.Fatal(err)
	}
	victim := p.Runs[1]

	// Requeue task 1 once its first epoch is recorded (the checkpoint is
	// written before the record), and let it start again at once (a
	// requeued job waits for a begin time otherwise).
	waitFor(t, 90*time.Second, "task 1's first epoch", func() bool { return countLines(dir.Metrics(victim)) >= 1 })
	if n := countLines(dir.Metrics(victim)); n >= 6 {
		t.Fatalf("task 1 finished before it could be requeued (%d epochs)", n)
	}
	task := job + "_1"
	if out, err := exec.Command("scontrol", "requeue", task).CombinedOutput(); err != nil {
		t.Fatalf("scontrol requeue %s: %v %s", task, err, out)
	}
	waitFor(t, 30*time.Second, "task 1 to be pending again", func() bool {
		out, _ := exec.Command("squeue", "-h", "-j", task, "-o", "%T").Output()
		return strings.TrimSpace(string(out)) == "PENDING"
	})
	if out, err := exec.Command("scontrol", "update", "JobId="+task, "StartTime=now").CombinedOutput(); err != nil {
		t.Fatalf("scontrol update %s StartTime=now: %v %s", task, err, out)
	}
	waitFor(t, 120*time.Second, "the three models and the end of the job", func() bool {
		out, _ := exec.Command("squeue", "-h", "-j", job).Output()
		return len(dir.Pending(p)) == 0 && strings.TrimSpace(string(out)) == ""
	})
	logs, _ := os.ReadFile(filepath.Join(dir.Logs(), "slurm-"+task+".out"))
	if !strings.Contains(string(logs), ", start 1,") || !strings.Contains(string(logs), "resuming from ") {
		t.Errorf("task 1 was not restarted from its checkpoint; its log:\n%s", logs)
	}
	t.Logf("task 1's log:\n%s", logs)
	if n := countLines(dir.Metrics(victim)); n != 6 {
		t.Errorf("the requeued run's metrics hold %d epochs, want 6", n)
	}
	// The run left alone makes the same model.
	alone := filepath.Join(tmp, "alone.safetensors")
	if out, err := exec.Command(bin, append([]string{"train", "--seed", "2", "--out", alone}, args...)...).CombinedOutput(); err != nil {
		t.Fatalf("the run alone: %v\n%s", err, out)
	}
	compareModels(t, dir.Model(victim), alone, 0)
	checkReport(t, bin, dir, p)
}

// checkReport checks deepnet sweep report on the finished sweep in dir
// against each run's metrics file.
func checkReport(t *testing.T, bin string, dir sweep.Dir, p *sweep.Plan) {
	t.Helper()
	var vals, tests []float64
	for _, r := range p.Runs {
		best := bestEpoch(t, dir.Metrics(r))
		f, err := model.ReadFile(dir.Model(r))
		if err != nil {
			t.Fatal(err)
		}
		info, _ := model.DecodeInfo(f)
		if info.BestEpoch != best.Epoch+1 || info.ValidationAccuracy != best.Validation || info.TestAccuracy != best.Test {
			t.Errorf("run %s: the model holds epoch %d (%v, %v), its metrics select %+v", r.Name, info.BestEpoch, info.ValidationAccuracy, info.TestAccuracy, best)
		}
		vals, tests = append(vals, best.Validation), append(tests, best.Test)
	}
	out, err := exec.Command(bin, "sweep", "report", string(dir)).CombinedOutput()
	if err != nil {
		t.Fatalf("sweep report: %v\n%s", err, out)
	}
	t.Logf("report:\n%s", out)
	meanSD := func(xs []float64) string {
		m := (xs[0] + xs[1] + xs[2]) / 3
		sd := math.Sqrt(((xs[0]-m)*(xs[0]-m) + (xs[1]-m)*(xs[1]-m) + (xs[2]-m)*(xs[2]-m)) / 2)
		return fmt.Sprintf("%.2f ± %.2f", 100*m, 100*sd)
	}
	want := fmt.Sprintf("default    3/3  %-15s  %-15s  %.2f-%.2f\n", meanSD(vals), meanSD(tests),
		100*math.Min(tests[0], math.Min(tests[1], tests[2])), 100*math.Max(tests[0], math.Max(tests[1], tests[2])))
	if !strings.Contains(string(out), want) {
		t.Errorf("report:\n%s\nwant the line\n%s", out, want)
	}
}

// bestEpoch returns the record of a metrics file that train selects: the
// best validation accuracy, ties to the later epoch.
func bestEpoch(t *testing.T, path string) train.Epoch {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	best := train.Epoch{Validation: -1}
	for _, line := range strings.Split(strings.TrimSpace(string(b)), "\n") {
		var e train.Epoch
		if err := json.Unmarshal([]byte(line), &e); err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		if e.Validation >= best.Validation {
			best = e
		}
	}
	return best
}

// countLines returns the number of lines of the file at path (0 when
// there is none).
func countLines(path string) int {
	b, _ := os.ReadFile(path)
	return strings.Count(string(b), "\n")
}

// waitFor polls cond every 50 ms until it holds, failing the test after
// limit.
func waitFor(t *testing.T, limit time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(limit)
	for !cond() {
		if time.Now().After(deadline) {
			out, _ := exec.Command("squeue").CombinedOutput()
			t.Fatalf("waited %v for %s; squeue:\n%s", limit, what, out)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// compareModels fails unless the model files a and b hold the same
// tensors whose values differ by at most tol·(1+|b|), and returns the
// largest such difference.
func compareModels(t *testing.T, a, b string, tol float64) float64 {
	t.Helper()
	fa, err := model.ReadFile(a)
	if err != nil {
		t.Fatal(err)
	}
	fb, err := model.ReadFile(b)
	if err != nil {
		t.Fatal(err)
	}
	if len(fa.Tensors) != len(fb.Tensors) || len(fa.Tensors) == 0 {
		t.Fatalf("%d tensors in %s, %d in %s", len(fa.Tensors), a, len(fb.Tensors), b)
	}
	worst := 0.0
	for i, ta := range fa.Tensors {
		tb := fb.Tensors[i]
		if ta.Name != tb.Name || len(ta.Data) != len(tb.Data) {
			t.Fatalf("tensor %d: %s in %s, %s in %s", i, ta.Name, a, tb.Name, b)
		}
		for j, v := range ta.Data {
			d := math.Abs(float64(v-tb.Data[j])) / (1 + math.Abs(float64(tb.Data[j])))
			if !(d <= tol) {
				t.Fatalf("%s[%d]: %g in %s, %g in %s", ta.Name, j, v, a, tb.Data[j], b)
			}
			worst = max(worst, d)
		}
	}
	return worst
}
