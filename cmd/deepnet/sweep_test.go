package main

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/deepnet-go/deepnet/sweep"
)

// writeSettings writes a settings file into a temporary directory and
// returns its path.
func writeSettings(t *testing.T, text string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "s.json")
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// TestSweepHere runs a sweep of two settings × two seeds of tiny
// trainings on this machine, two at a time, through the binary (each run
// is a process of it): every model arrives, the report has a line per
// setting, the same command again trains nothing, and ensemble takes the
// sweep directory.
func TestSweepHere(t *testing.T) {
	data := mnistDir(t)
	tmp := t.TempDir()
	bin := buildBinary(t, tmp)
	settings := writeSettings(t, `{"args": ["--net", "fc:20:relu softmax:10", "--train-limit", "500", "--epochs", "1", "--data", "`+data+`"],
		"settings": [{"name": "small"}, {"name": "eta", "args": ["--eta", "0.3"]}], "seeds": [1, 2]}`)
	dir := filepath.Join(tmp, "sw")
	out, err := exec.Command(bin, "sweep", "--jobs", "2", settings, dir).CombinedOutput()
	if err != nil {
		t.Fatalf("sweep: %v\n%s", err, out)
	}
	t.Logf("%s", out)
	for _, want := range []string{"4 runs of 2 settings (new)", "running  4 runs here, 2 at a time", "\nsmall      2/2  ", "\neta        2/2  "} {
		if !strings.Contains(string(out), want) {
			t.Errorf("output lacks %q", want)
		}
	}
	if strings.Count(string(out), "\ndone     run ") != 4 {
		t.Errorf("not four runs done:\n%s", out)
	}
	out, err = exec.Command(bin, "sweep", "--jobs", "2", settings, dir).CombinedOutput()
	if err != nil || !strings.Contains(string(out), "(going on: 4 done)") || strings.Contains(string(out), "running") {
		t.Errorf("again: %v\n%s", err, out)
	}
	code, stdout, stderr := deepnet(t, "sweep", "task", dir, "3")
	if code != 0 || !strings.Contains(stdout, "run 3 eta-seed2: done already") {
		t.Errorf("task of a done run: %d %q %q", code, stdout, stderr)
	}
	code, stdout, _ = deepnet(t, "ensemble", "--data", data, dir)
	if code != 0 || !strings.Contains(stdout, "ensemble of 4 (vote)") {
		t.Errorf("ensemble of the sweep directory: %d\n%s", code, stdout)
	}
}

// TestSweepJobFiles: --slurm and --kubernetes write the plan and the job
// file, with the sweep directory's absolute path, and run nothing.
func TestSweepJobFiles(t *testing.T) {
	settings := writeSettings(t, `{"args": ["--epochs", "1"], "seeds": [1, 2, 3]}`)
	dir := filepath.Join(t.TempDir(), "sw")
	code, out, errOut := deepnet(t, "sweep", "--slurm", "--deepnet", "/opt/deepnet", "--jobs", "2", "--sbatch=--time=1:00:00", settings, dir)
	if code != 0 {
		t.Fatalf("--slurm: %d %s %s", code, out, errOut)
	}
	script, err := os.ReadFile(filepath.Join(dir, "sweep.sbatch"))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"#SBATCH --array=0-2%2\n", "#SBATCH --time=1:00:00\n", "exec /opt/deepnet sweep task --workers 1 " + dir + ` "$SLURM_ARRAY_TASK_ID"`} {
		if !strings.Contains(string(script), want) {
			t.Errorf("the script lacks %q:\n%s", want, script)
		}
	}
	if !strings.Contains(out, "submit   sbatch "+filepath.Join(dir, "sweep.sbatch")) {
		t.Errorf("output:\n%s", out)
	}
	code, out, errOut = deepnet(t, "sweep", "--kubernetes", "--image", "registry.example/deepnet:1", "--claim", "sweeps", settings, dir)
	if code != 0 {
		t.Fatalf("--kubernetes: %d %s %s", code, out, errOut)
	}
	b, err := os.ReadFile(filepath.Join(dir, "sweep-job.json"))
	var job struct {
		Kind string
		Spec struct {
			CompletionMode string
			Completions    int
		}
	}
	if err != nil || json.Unmarshal(b, &job) != nil || job.Kind != "Job" || job.Spec.CompletionMode != "Indexed" || job.Spec.Completions != 3 {
		t.Errorf("manifest %v:\n%s", err, b)
	}
	if ents, _ := os.ReadDir(sweep.Dir(dir).Models()); len(ents) != 0 {
		t.Errorf("something was trained: %v", ents)
	}
}

// TestSweepRefuses: what deepnet sweep cannot do is one line on stderr,
// and leaves no directory behind.
func TestSweepRefuses(t *testing.T) {
	good := writeSettings(t, `{"args": ["--epochs", "1"]}`)
	other := t.TempDir()
	if code, out, errOut := deepnet(t, "sweep", "--slurm", "--deepnet", "/bin/deepnet", good, other); code != 0 {
		t.Fatalf("%s %s", out, errOut)
	}
	file := filepath.Join(t.TempDir(), "file")
	os.WriteFile(file, nil, 0o644)
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{filepath.Join(t.TempDir(), "none.json")}, "settings: "},
		{[]string{writeSettings(t, `{"args": ["--seed", "2"]}`)}, `--seed: give the seeds as "seeds"`},
		{[]string{writeSettings(t, `{"args": ["--eta", "-1"]}`)}, `setting "default": --eta -1: want a learning rate η > 0`},
		{[]string{writeSettings(t, `{"grid": {"net": ["fc:10 softmax:10", "conv:3"]}}`)}, `setting "net=conv:3": `},
		{[]string{writeSettings(t, `{"grid": {"speed": [1]}}`)}, `setting "speed=1": flag provided but not defined: -speed`},
		{[]string{writeSettings(t, `{"args": ["--epochs", "1", "extra"]}`)}, `"extra" is not a flag of deepnet train`},
		{[]string{"--slurm", "--kubernetes", good}, "--slurm and --kubernetes: one of them"},
		{[]string{"--submit", good}, "--submit is for --slurm"},
		{[]string{"--image", "x", good}, "--image is for --kubernetes"},
		{[]string{"--kubernetes", good}, "--kubernetes needs --image IMAGE"},
		{[]string{"--kubernetes", "--image", "x", "--name", "Bad_Name", good}, `Job name "Bad_Name"`},
		{[]string{"--deepnet", "/bin/deepnet", good}, "--deepnet is for --slurm or --kubernetes"},
		{[]string{"--jobs", "-1", good}, "--jobs and --cpus: want 1 or more"},
		{[]string{writeSettings(t, `{"args": ["--epochs", "2"]}`), "@" + other}, "holds another sweep"},
	} {
		dir := filepath.Join(t.TempDir(), "sw")
		args := append([]string{"sweep"}, c.args...)
		if last := args[len(args)-1]; strings.HasPrefix(last, "@") {
			args[len(args)-1], dir = last[1:], last[1:]
		} else {
			args = append(args, dir)
		}
		code, out, errOut := deepnet(t, args...)
		if code == 0 || !strings.Contains(errOut, c.want) || strings.Count(errOut, "\n") != 1 || out != "" {
			t.Errorf("%q: exit %d, stdout %q, stderr %q; want one line with %q", c.args, code, out, errOut, c.want)
		}
		if dir != other {
			if _, err := os.Stat(dir); err == nil {
				t.Errorf("%q: %s was created", c.args, dir)
			}
		}
	}
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"sweep", "report", t.TempDir()}, "holds no sweep (no sweep.json): make one with deepnet sweep"},
		{[]string{"sweep", "task", other, "7"}, "run 7: the sweep has runs 0 to 0"},
		{[]string{"sweep", "task", other, "x"}, `INDEX "x": want a run's number`},
		{[]string{"sweep", "report", file}, "not a directory"},
	} {
		code, _, errOut := deepnet(t, c.args...)
		if code == 0 || !strings.Contains(errOut, c.want) || strings.Count(errOut, "\n") != 1 {
			t.Errorf("%q: exit %d, stderr %q; want one line with %q", c.args, code, errOut, c.want)
		}
	}
}
