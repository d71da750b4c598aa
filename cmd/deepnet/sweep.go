package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/deepnet-go/deepnet/sweep"
	"github.com/deepnet-go/deepnet/train"
)

// runSweep is deepnet sweep: SETTINGS DIR plans a sweep and runs it here,
// writes a Slurm array job (and submits it) or a Kubernetes Indexed Job;
// "sweep task" trains one run; "sweep report" prints the table.
func runSweep(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) > 0 {
		switch args[0] {
		case "task":
			return runSweepTask(ctx, args[1:], stdout, stderr)
		case "report":
			return runSweepReport(args[1:], stdout, stderr)
		}
	}
	c, err := parseSweep(args, stderr)
	if err != nil {
		return err
	}
	p, err := c.plan()
	if err != nil {
		return err
	}
	d := sweep.Dir(c.dir)
	write, err := c.jobFile(d, len(p.Runs))
	if err != nil {
		return err
	}
	created, err := d.WritePlan(p)
	if err != nil {
		return err
	}
	done := len(p.Runs) - len(d.Pending(p))
	how := "new"
	if !created {
		how = fmt.Sprintf("going on: %d done", done)
	}
	fmt.Fprintf(stdout, "sweep %s: %d %s of %d %s (%s)\n", d, len(p.Runs), plural(len(p.Runs), "run"), c.settingCount(p), plural(c.settingCount(p), "setting"), how)
	if write != nil {
		return write(ctx, stdout)
	}
	return c.runHere(ctx, d, p, stdout)
}

// sweepCmd is one deepnet sweep SETTINGS DIR.
type sweepCmd struct {
	fs                    *flag.FlagSet
	settings, dir         string
	jobs, cpus            int
	slurm, submit, requeu bool
	kube                  bool
	sbatch                stringList
	deepnet, image, claim string
	jobName               string
}

// stringList is a flag that may be given several times.
type stringList []string

func (s *stringList) String() string     { return strings.Join(*s, " ") }
func (s *stringList) Set(v string) error { *s = append(*s, v); return nil }

func parseSweep(args []string, stderr io.Writer) (*sweepCmd, error) {
	c := &sweepCmd{fs: newFlagSet("sweep")}
	fs := c.fs
	fs.IntVar(&c.jobs, "jobs", 0, "runs at a time: here (default 1), the Slurm array's %N limit or the Kubernetes Job's parallelism (default: no limit)")
	fs.IntVar(&c.cpus, "cpus", 0, "cores of each run: its --workers, a Slurm task's --cpus-per-task, a pod's CPU request (default: here, this machine's cores shared by --jobs; Slurm and Kubernetes, 1)")
	fs.BoolVar(&c.slurm, "slurm", false, "write a Slurm array job, DIR/sweep.sbatch, instead of running here")
	fs.BoolVar(&c.submit, "submit", false, "with --slurm: submit it with sbatch (the runs not done yet)")
	fs.BoolVar(&c.requeu, "requeue", true, "with --slurm: let Slurm requeue a preempted task (#SBATCH --requeue), which resumes from its checkpoint")
	fs.Var(&c.sbatch, "sbatch", "with --slurm: an sbatch option for the script, such as --sbatch=--partition=short (again for more)")
	fs.StringVar(&c.deepnet, "deepnet", "", "the deepnet the tasks run (default: with --slurm this binary's path, which the nodes must see; with --kubernetes \"deepnet\", on the image's PATH)")
	fs.BoolVar(&c.kube, "kubernetes", false, "write a Kubernetes Indexed Job, DIR/sweep-job.json, instead of running here")
	fs.StringVar(&c.image, "image", "", "with --kubernetes: the container image (deepnet in it, and MNIST or a way to fetch it)")
	fs.StringVar(&c.claim, "claim", "deepnet-sweep", "with --kubernetes: the PersistentVolumeClaim that holds DIR, mounted at /sweep")
	fs.StringVar(&c.jobName, "name", "deepnet-sweep", "with --kubernetes: the Job's name")
	fs.Usage = func() {
		fmt.Fprint(stderr, sweepUsage)
		fs.PrintDefaults()
	}
	pos, err := parseFlagsAndArgs(fs, args, stderr)
	if err != nil {
		return nil, err
	}
	if len(pos) != 2 {
		fmt.Fprintf(stderr, "deepnet sweep: want SETTINGS DIR, got %q\n", pos)
		fs.Usage()
		return nil, errUsage
	}
	c.settings, c.dir = pos[0], pos[1]
	return c, c.check()
}

const sweepUsage = `usage: deepnet sweep [flags] SETTINGS.json DIR   plan the runs of SETTINGS into DIR and run them
       deepnet sweep task [--workers N] DIR [INDEX]   train run INDEX of DIR (what each task runs)
       deepnet sweep report [--runs] DIR              mean and spread over seeds, per setting

Runs here, --jobs at a time, unless --slurm or --kubernetes; again on the
same DIR, it goes on where it stopped. The settings file is JSON:
{"args": [...], "settings": [{"name": N, "args": [...]}], "grid": {"flag": [values]}, "seeds": [...]}

`

// check reports flags that do not go together.
func (c *sweepCmd) check() error {
	slurmOnly := []string{"submit", "requeue", "sbatch"}
	kubeOnly := []string{"image", "claim", "name"}
	switch {
	case c.slurm && c.kube:
		return errors.New("--slurm and --kubernetes: one of them")
	case c.jobs < 0 || c.cpus < 0:
		return errors.New("--jobs and --cpus: want 1 or more (0: the default)")
	case c.kube && c.image == "":
		return errors.New("--kubernetes needs --image IMAGE (an image with deepnet, and MNIST or a way to fetch it)")
	case !c.slurm && !c.kube && given(c.fs, "deepnet"):
		return errors.New("--deepnet is for --slurm or --kubernetes; here the runs use this deepnet")
	}
	for _, names := range []struct {
		on    bool
		flags []string
		mode  string
	}{{c.slurm, slurmOnly, "--slurm"}, {c.kube, kubeOnly, "--kubernetes"}} {
		for _, f := range names.flags {
			if !names.on && given(c.fs, f) {
				return fmt.Errorf("--%s is for %s", f, names.mode)
			}
		}
	}
	return nil
}

// plan reads the settings file, expands it and checks every run's flags
// as deepnet train would, before anything is written.
func (c *sweepCmd) plan() (*sweep.Plan, error) {
	b, err := os.ReadFile(c.settings)
	if err != nil {
		return nil, fmt.Errorf("settings: %w", unwrapPath(err))
	}
	f, err := sweep.Parse(c.settings, b)
	if err != nil {
		return nil, err
	}
	p, err := f.Plan()
	if err != nil {
		return nil, err
	}
	checked := map[string]bool{}
	for _, r := range p.Runs {
		if !checked[r.Setting] {
			if err := checkRunFlags(r.Args); err != nil {
				return nil, fmt.Errorf("%s: setting %q: %w", c.settings, r.Setting, err)
			}
			checked[r.Setting] = true
		}
	}
	if c.dir, err = filepath.Abs(c.dir); err != nil {
		return nil, err
	}
	return p, nil
}

// checkRunFlags parses args as deepnet train's flags and checks their
// values and the preset they make, as train does before it loads
// anything.
func checkRunFlags(args []string) error {
	t := newTrainCmd()
	t.fs.SetOutput(io.Discard)
	if err := t.fs.Parse(args); err != nil {
		return err
	}
	if t.fs.NArg() > 0 {
		return fmt.Errorf("%q is not a flag of deepnet train", t.fs.Arg(0))
	}
	name := t.defaultPreset
	if t.given("preset") {
		name = t.preset
	}
	p, err := train.LookupPreset(name)
	if err != nil {
		return err
	}
	_, _, _, err = t.resolve(p)
	return err
}

// settingCount is the number of settings of p.
func (c *sweepCmd) settingCount(p *sweep.Plan) int {
	seen := map[string]bool{}
	for _, r := range p.Runs {
		seen[r.Setting] = true
	}
	return len(seen)
}
