package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/deepnet-go/deepnet/internal/atomicfile"
	"github.com/deepnet-go/deepnet/sweep"
)

// jobFile makes the job file of --slurm or --kubernetes for the n runs of
// the sweep in d, before anything is written (so that a bad option writes
// nothing), and returns the function that writes it (and, with --submit,
// submits it); nil to run here.
func (c *sweepCmd) jobFile(d sweep.Dir, n int) (func(context.Context, io.Writer) error, error) {
	switch {
	case c.slurm:
		return c.slurmJob(d, n)
	case c.kube:
		return c.kubeJob(d, n)
	}
	return nil, nil
}

// slurmJob makes DIR/sweep.sbatch.
func (c *sweepCmd) slurmJob(d sweep.Dir, n int) (func(context.Context, io.Writer) error, error) {
	bin := c.deepnet
	if bin == "" {
		exe, err := os.Executable()
		if err != nil {
			return nil, fmt.Errorf("--slurm: where is this deepnet? %v; give --deepnet PATH", err)
		}
		bin = exe
	}
	bin, err := filepath.Abs(bin)
	if err != nil {
		return nil, err
	}
	script, err := sweep.SlurmScript(d, n, sweep.SlurmOptions{Deepnet: bin, CPUs: c.cpus, Parallel: c.jobs, Requeue: c.requeu, Extra: c.sbatch})
	if err != nil {
		return nil, err
	}
	path := filepath.Join(string(d), "sweep.sbatch")
	return func(ctx context.Context, w io.Writer) error {
		if err := writeFile(path, []byte(script), 0o755); err != nil {
			return err
		}
		fmt.Fprintf(w, "wrote    %s (an array job of %d tasks; task i trains run i)\n", path, n)
		if !c.submit {
			fmt.Fprintf(w, "submit   sbatch %s   (or deepnet sweep --slurm --submit: the runs not done only)\n", path)
			return nil
		}
		return submitSlurm(ctx, w, d, path)
	}, nil
}

// submitSlurm submits the script at path for the runs of d that are not
// done (sbatch --array lists them), and says how to follow them.
func submitSlurm(ctx context.Context, w io.Writer, d sweep.Dir, path string) error {
	p, err := d.ReadPlan()
	if err != nil {
		return err
	}
	pending := d.Pending(p)
	if len(pending) == 0 {
		fmt.Fprintln(w, "nothing to submit: every run has its model")
		return nil
	}
	var ids []string
	for _, r := range pending {
		ids = append(ids, strconv.Itoa(r.Index))
	}
	sbatch, err := exec.LookPath("sbatch")
	if err != nil {
		return fmt.Errorf("--submit: sbatch not found (is this a Slurm login node?); the script is %s", path)
	}
	cmd := exec.CommandContext(ctx, sbatch, "--parsable", "--array="+strings.Join(ids, ","), path)
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("sbatch: %v: %s", err, strings.TrimSpace(errOut.String()))
	}
	job, _, _ := strings.Cut(strings.TrimSpace(out.String()), ";")
	fmt.Fprintf(w, "submitted job %s: %d %s (runs %s)\n", job, len(ids), plural(len(ids), "task"), strings.Join(ids, ","))
	fmt.Fprintf(w, "follow   squeue -j %s; deepnet sweep report %s\n", job, d)
	return nil
}

// kubeJob makes DIR/sweep-job.json.
func (c *sweepCmd) kubeJob(d sweep.Dir, n int) (func(context.Context, io.Writer) error, error) {
	manifest, err := sweep.KubeJob(n, sweep.KubeOptions{Name: c.jobName, Image: c.image, Deepnet: c.deepnet, Claim: c.claim, CPUs: c.cpus, Parallel: c.jobs})
	if err != nil {
		return nil, err
	}
	path := filepath.Join(string(d), "sweep-job.json")
	return func(_ context.Context, w io.Writer) error {
		if err := writeFile(path, manifest, 0o644); err != nil {
			return err
		}
		fmt.Fprintf(w, "wrote    %s (an Indexed Job of %d completions; the pod of index i trains run i)\n", path, n)
		fmt.Fprintf(w, "run      copy %s to the volume of claim %s (its root), then: kubectl apply -f %s\n", d, c.claim, path)
		return nil
	}, nil
}

// writeFile writes data to path atomically with mode perm.
func writeFile(path string, data []byte, perm os.FileMode) error {
	err := atomicfile.Write(path, func(w io.Writer) error {
		_, err := w.Write(data)
		return err
	})
	if err != nil {
		return err
	}
	if err := os.Chmod(path, perm); err != nil && !errors.Is(err, os.ErrNotExist) {
		return err
	}
	return nil
}

// plural returns word, with an s unless n is 1.
func plural(n int, word string) string {
	if n == 1 {
		return word
	}
	return word + "s"
}
