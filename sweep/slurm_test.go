package sweep

import (
	"strings"
	"testing"
)

func TestSlurmScript(t *testing.T) {
	s, err := SlurmScript("/data/sw", 6, SlurmOptions{Deepnet: "/opt/deep net/deepnet", CPUs: 4, Parallel: 2, Requeue: true,
		Extra: []string{"--partition=short", "--time=1:00:00"}})
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		"#!/bin/sh\n",
		"\n#SBATCH --array=0-5%2\n",
		"\n#SBATCH --cpus-per-task=4\n",
		"\n#SBATCH --output=/data/sw/logs/slurm-%A_%a.out\n",
		"\n#SBATCH --open-mode=append\n",
		"\n#SBATCH --requeue\n",
		"\n#SBATCH --partition=short\n#SBATCH --time=1:00:00\n",
		"\nexec '/opt/deep net/deepnet' sweep task --workers 4 /data/sw \"$SLURM_ARRAY_TASK_ID\"\n",
	} {
		if !strings.Contains(s, want) {
			t.Errorf("the script lacks %q:\n%s", want, s)
		}
	}
	// Every #SBATCH line comes before the first command (sbatch stops
	// reading them there).
	lines := strings.Split(s, "\n")
	seenCommand := false
	for _, l := range lines[1:] {
		switch {
		case strings.HasPrefix(l, "#SBATCH") && seenCommand:
			t.Errorf("%q after a command", l)
		case l != "" && !strings.HasPrefix(l, "#"):
			seenCommand = true
		}
	}
	s, _ = SlurmScript("/s", 3, SlurmOptions{Deepnet: "/bin/deepnet"})
	if !strings.Contains(s, "#SBATCH --array=0-2\n") || !strings.Contains(s, "#SBATCH --no-requeue\n") || !strings.Contains(s, "--cpus-per-task=1\n") {
		t.Errorf("defaults:\n%s", s)
	}
}

func TestSlurmScriptRefuses(t *testing.T) {
	for _, c := range []struct {
		dir  Dir
		o    SlurmOptions
		want string
	}{
		{"sw", SlurmOptions{Deepnet: "/bin/deepnet"}, "must be absolute paths"},
		{"/sw", SlurmOptions{Deepnet: "deepnet"}, "must be absolute paths"},
		{"/my sweep", SlurmOptions{Deepnet: "/bin/deepnet"}, "holds a space"},
		{"/100%", SlurmOptions{Deepnet: "/bin/deepnet"}, "or %"},
		{"/sw", SlurmOptions{Deepnet: "/bin/deepnet", Extra: []string{"partition=short"}}, `sbatch option "partition=short"`},
		{"/sw", SlurmOptions{Deepnet: "/bin/deepnet", Extra: []string{"--time=1\nrm -rf /"}}, "sbatch option"},
	} {
		if _, err := SlurmScript(c.dir, 2, c.o); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%q %+v: %v, want %q", c.dir, c.o, err, c.want)
		}
	}
}
