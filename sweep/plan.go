package sweep

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"

	"github.com/deepnet-go/deepnet/internal/atomicfile"
)

// planVersion is the version of the sweep.json format.
const planVersion = 1

// Plan is a sweep's runs, as sweep.json holds them.
type Plan struct {
	Version int   `json:"version"`
	Runs    []Run `json:"runs"`
}

// Run is one training of a sweep.
type Run struct {
	// Index is the run's number from 0: a Slurm array task's
	// SLURM_ARRAY_TASK_ID, a Kubernetes Indexed Job's
	// JOB_COMPLETION_INDEX.
	Index int `json:"index"`
	// Setting names the run's settings ("relu,eta=0.1"): the runs of a
	// setting differ only in their seed.
	Setting string `json:"setting"`
	Seed    uint64 `json:"seed"`
	// Name is the run's file name ("relu,eta=0.1-seed2").
	Name string `json:"name"`
	// Args are deepnet train's flags, without the seed and the files.
	Args []string `json:"args"`
}

// TrainArgs is the command line of deepnet train for r in the sweep
// directory dir: r's flags, its seed and where its files go.
func (d Dir) TrainArgs(r Run) []string {
	return append(slices.Clone(r.Args), "--seed", fmt.Sprint(r.Seed),
		"--checkpoint", d.Checkpoint(r), "--out", d.Model(r), "--metrics", d.Metrics(r))
}

// Dir is a sweep directory:
//
//	sweep.json                 the plan (WritePlan)
//	models/NAME.safetensors    each finished run's model (--out)
//	runs/NAME/checkpoint/      its checkpoint, to resume from (--checkpoint)
//	runs/NAME/metrics.jsonl    one record per epoch (--metrics)
//	logs/                      the runs' output: NAME.log (local runs),
//	                           slurm-JOB_TASK.out (Slurm)
type Dir string

// PlanFile is the plan's path.
func (d Dir) PlanFile() string { return filepath.Join(string(d), "sweep.json") }

// Models is the directory of the models.
func (d Dir) Models() string { return filepath.Join(string(d), "models") }

// Model is r's model file.
func (d Dir) Model(r Run) string { return filepath.Join(d.Models(), r.Name+".safetensors") }

// Checkpoint is r's checkpoint directory.
func (d Dir) Checkpoint(r Run) string { return filepath.Join(string(d), "runs", r.Name, "checkpoint") }

// CheckpointFile is the file deepnet train keeps in r's checkpoint
// directory.
func (d Dir) CheckpointFile(r Run) string {
	return filepath.Join(d.Checkpoint(r), "checkpoint.safetensors")
}

// Metrics is r's metrics file.
func (d Dir) Metrics(r Run) string { return filepath.Join(string(d), "runs", r.Name, "metrics.jsonl") }

// Logs is the directory of the runs' output.
func (d Dir) Logs() string { return filepath.Join(string(d), "logs") }

// Log is r's output when it runs on this machine.
func (d Dir) Log(r Run) string { return filepath.Join(d.Logs(), r.Name+".log") }

// Done reports whether r's model file exists: the run finished.
func (d Dir) Done(r Run) bool {
	_, err := os.Stat(d.Model(r))
	return err == nil
}

// Pending returns the runs of p that have no model yet.
func (d Dir) Pending(p *Plan) []Run {
	var runs []Run
	for _, r := range p.Runs {
		if !d.Done(r) {
			runs = append(runs, r)
		}
	}
	return runs
}

// ErrOtherSweep matches (errors.Is) a directory that holds another plan.
var ErrOtherSweep = errors.New("the directory holds another sweep")

// WritePlan makes d a sweep directory of p: it creates the directory and
// writes sweep.json atomically, or, when d holds a plan already, checks
// that it is p (a sweep goes on where it stopped) and returns created
// false. A different plan is an error that matches ErrOtherSweep.
func (d Dir) WritePlan(p *Plan) (created bool, err error) {
	old, err := d.ReadPlan()
	switch {
	case err == nil:
		if !slices.EqualFunc(old.Runs, p.Runs, sameRun) {
			return false, fmt.Errorf("%s: %w (its runs differ from these settings'); give another directory, or remove it", d, ErrOtherSweep)
		}
		return false, nil
	case !errors.Is(err, os.ErrNotExist):
		return false, err
	}
	for _, sub := range []string{string(d), d.Models(), d.Logs()} {
		if err := os.MkdirAll(sub, 0o755); err != nil {
			return false, err
		}
	}
	return true, atomicfile.Write(d.PlanFile(), func(w io.Writer) error {
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(p)
	})
}

func sameRun(a, b Run) bool {
	return a.Index == b.Index && a.Setting == b.Setting && a.Seed == b.Seed && a.Name == b.Name && slices.Equal(a.Args, b.Args)
}

// ReadPlan reads d's sweep.json (an error matching os.ErrNotExist when
// there is none).
func (d Dir) ReadPlan() (*Plan, error) {
	b, err := os.ReadFile(d.PlanFile())
	if err != nil {
		return nil, err
	}
	var p Plan
	if err := json.Unmarshal(b, &p); err != nil {
		return nil, fmt.Errorf("%s: not a sweep plan: %v", d.PlanFile(), err)
	}
	if p.Version != planVersion {
		return nil, fmt.Errorf("%s: plan version %d, this deepnet reads %d", d.PlanFile(), p.Version, planVersion)
	}
	for i, r := range p.Runs {
		if r.Index != i || r.Name == "" || r.Name == "." || r.Name == ".." || filepath.Base(r.Name) != r.Name {
			return nil, fmt.Errorf("%s: run %d is not a run of a plan", d.PlanFile(), i)
		}
	}
	return &p, nil
}

// Run returns run i of p, or an error naming the runs there are.
func (p *Plan) Run(i int) (Run, error) {
	if i < 0 || i >= len(p.Runs) {
		return Run{}, fmt.Errorf("run %d: the sweep has runs 0 to %d", i, len(p.Runs)-1)
	}
	return p.Runs[i], nil
}
