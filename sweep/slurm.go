package sweep

import (
	"fmt"
	"path/filepath"
	"strconv"
	"strings"
)

// SlurmOptions say how a sweep runs as a Slurm array job.
type SlurmOptions struct {
	// Deepnet is the deepnet binary the tasks run, as the compute nodes
	// see it (an absolute path on a shared file system).
	Deepnet string
	// CPUs is each task's --cpus-per-task, and its --workers (0: 1).
	CPUs int
	// Parallel, when positive, is the most tasks that run at once (the
	// array's %N).
	Parallel int
	// Requeue lets Slurm requeue a task that was preempted or whose node
	// failed (#SBATCH --requeue); it resumes from its checkpoint.
	Requeue bool
	// Extra are more sbatch options, one per #SBATCH line
	// ("--partition=short", "--time=2:00:00").
	Extra []string
}

// SlurmScript returns the sbatch script of the sweep in d (an absolute
// path, as the compute nodes see it) with n runs: an array job whose task
// i runs "deepnet sweep task d i", which trains run i, resuming from its
// checkpoint when it has one. The output of every attempt of a task is
// appended to logs/slurm-JOB_TASK.out (--open-mode=append), so that a
// requeued task's log holds both attempts.
func SlurmScript(d Dir, n int, o SlurmOptions) (string, error) {
	if !filepath.IsAbs(string(d)) || !filepath.IsAbs(o.Deepnet) {
		return "", fmt.Errorf("slurm: the sweep directory %q and deepnet %q must be absolute paths", d, o.Deepnet)
	}
	if strings.ContainsAny(string(d), " \t\n%\"'\\") {
		return "", fmt.Errorf("slurm: the sweep directory %q holds a space, quote, backslash or %%, which an #SBATCH line cannot hold", d)
	}
	for _, e := range o.Extra {
		if !strings.HasPrefix(e, "-") || strings.ContainsAny(e, "\n\r") {
			return "", fmt.Errorf("slurm: sbatch option %q: want one option such as --partition=short", e)
		}
	}
	cpus := max(o.CPUs, 1)
	array := fmt.Sprintf("0-%d", n-1)
	if o.Parallel > 0 {
		array += "%" + strconv.Itoa(o.Parallel)
	}
	requeue := "--no-requeue"
	if o.Requeue {
		requeue = "--requeue"
	}
	var b strings.Builder
	fmt.Fprintf(&b, "#!/bin/sh\n# deepnet sweep %s: task i of this array job trains run i of sweep.json,\n", d)
	b.WriteString("# resuming from its checkpoint when it was preempted or requeued.\n")
	b.WriteString("#SBATCH --job-name=deepnet-sweep\n")
	fmt.Fprintf(&b, "#SBATCH --array=%s\n", array)
	fmt.Fprintf(&b, "#SBATCH --cpus-per-task=%d\n", cpus)
	fmt.Fprintf(&b, "#SBATCH --output=%s\n", filepath.Join(d.Logs(), "slurm-%A_%a.out"))
	b.WriteString("#SBATCH --open-mode=append\n")
	fmt.Fprintf(&b, "#SBATCH %s\n", requeue)
	for _, e := range o.Extra {
		fmt.Fprintf(&b, "#SBATCH %s\n", e)
	}
	fmt.Fprintf(&b, "echo \"deepnet sweep: task $SLURM_ARRAY_TASK_ID of job $SLURM_ARRAY_JOB_ID on $(hostname), start ${SLURM_RESTART_COUNT:-0}, $(date)\"\n")
	fmt.Fprintf(&b, "exec %s sweep task --workers %d %s \"$SLURM_ARRAY_TASK_ID\"\n", shellQuote(o.Deepnet), cpus, shellQuote(string(d)))
	return b.String(), nil
}

// shellQuote quotes s for sh.
func shellQuote(s string) string {
	if s != "" && strings.Trim(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789/._-+=,") == "" {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}
