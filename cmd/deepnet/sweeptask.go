package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"

	"github.com/deepnet-go/deepnet/sweep"
)

// runSweepTask is deepnet sweep task [--workers N] DIR [INDEX]: it trains
// run INDEX of the sweep in DIR (INDEX from $SLURM_ARRAY_TASK_ID or
// $JOB_COMPLETION_INDEX when it is not given), resuming from the run's
// checkpoint when there is one; a run whose model exists is done.
func runSweepTask(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("sweep task")
	workers := fs.Int("workers", 0, "CPU cores the run uses (default: all)")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: deepnet sweep task [--workers N] DIR [INDEX]\n\nTrains run INDEX of the sweep in DIR (default: $SLURM_ARRAY_TASK_ID, else $JOB_COMPLETION_INDEX), resuming it from its checkpoint.")
		fs.PrintDefaults()
	}
	pos, err := parseFlagsAndArgs(fs, args, stderr)
	if err != nil {
		return err
	}
	if len(pos) < 1 || len(pos) > 2 {
		fs.Usage()
		return errUsage
	}
	d := sweep.Dir(pos[0])
	p, err := readPlan(d)
	if err != nil {
		return err
	}
	index := ""
	if len(pos) == 2 {
		index = pos[1]
	}
	i, err := taskIndex(index)
	if err != nil {
		return err
	}
	r, err := p.Run(i)
	if err != nil {
		return err
	}
	if d.Done(r) {
		fmt.Fprintf(stdout, "run %d %s: done already (%s)\n", r.Index, r.Name, d.Model(r))
		return nil
	}
	train := d.TrainArgs(r)
	if _, err := os.Stat(d.CheckpointFile(r)); err == nil {
		// The checkpoint's command line, with the files of this
		// directory (it may be mounted elsewhere now).
		train = []string{"--resume", d.Checkpoint(r), "--checkpoint", d.Checkpoint(r), "--out", d.Model(r), "--metrics", d.Metrics(r)}
		fmt.Fprintf(stdout, "run %d %s: resuming from %s\n", r.Index, r.Name, d.Checkpoint(r))
	} else {
		fmt.Fprintf(stdout, "run %d %s: training (setting %s, seed %d)\n", r.Index, r.Name, r.Setting, r.Seed)
	}
	if given(fs, "workers") {
		train = append(train, "--workers", strconv.Itoa(*workers))
	}
	return runTrain(ctx, train, stdout, stderr)
}

// taskIndex is the run a task trains: arg, else $SLURM_ARRAY_TASK_ID,
// else $JOB_COMPLETION_INDEX.
func taskIndex(arg string) (int, error) {
	what := "INDEX"
	if arg == "" {
		for _, env := range []string{"SLURM_ARRAY_TASK_ID", "JOB_COMPLETION_INDEX"} {
			if v, ok := os.LookupEnv(env); ok {
				arg, what = v, "$"+env
				break
			}
		}
	}
	if arg == "" {
		return 0, errors.New("which run? give INDEX, or run as a Slurm array task or a Kubernetes Indexed Job's pod")
	}
	i, err := strconv.Atoi(arg)
	if err != nil || i < 0 {
		return 0, fmt.Errorf("%s %q: want a run's number, 0 or more", what, arg)
	}
	return i, nil
}

// readPlan reads the plan of the sweep in d, saying how to make one when
// there is none.
func readPlan(d sweep.Dir) (*sweep.Plan, error) {
	p, err := d.ReadPlan()
	if errors.Is(err, os.ErrNotExist) {
		return nil, fmt.Errorf("%s holds no sweep (no sweep.json): make one with deepnet sweep SETTINGS.json %s", d, d)
	}
	return p, err
}

// runSweepReport is deepnet sweep report [--runs] DIR.
func runSweepReport(args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("sweep report")
	runs := fs.Bool("runs", false, "also list every run: done (its selected epoch and accuracies), started or not")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: deepnet sweep report [--runs] DIR\n\nFor each setting of the sweep in DIR, the mean and standard deviation over its seeds of the validation and test accuracies of the epoch each run selected on validation.")
		fs.PrintDefaults()
	}
	pos, err := parseFlagsAndArgs(fs, args, stderr)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		fs.Usage()
		return errUsage
	}
	d := sweep.Dir(pos[0])
	p, err := readPlan(d)
	if err != nil {
		return err
	}
	return sweep.WriteReport(stdout, d.Status(p), *runs)
}
