package sweep

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"strings"

	"github.com/deepnet-go/deepnet/model"
)

// State is how far a run has gone.
type State int

const (
	// NotStarted: no checkpoint, no model.
	NotStarted State = iota
	// Started: a checkpoint (and metrics) but no model: the run is
	// training, or stopped and will resume.
	Started
	// Done: the model file exists.
	Done
)

// RunStatus is a run's state and, once it is done, its result as its
// model file records it: the epoch train selected on validation and the
// accuracies of that epoch.
type RunStatus struct {
	Run   Run
	State State
	// Epochs is the number of epochs recorded in the metrics file.
	Epochs int
	// BestEpoch (from 1), Validation and Test are a done run's selection.
	BestEpoch        int
	Validation, Test float64
	// Err is a model file that could not be read.
	Err error
}

// Status returns the status of every run of p in d.
func (d Dir) Status(p *Plan) []RunStatus {
	out := make([]RunStatus, len(p.Runs))
	for i, r := range p.Runs {
		s := RunStatus{Run: r, Epochs: countLines(d.Metrics(r))}
		if _, err := os.Stat(d.CheckpointFile(r)); err == nil {
			s.State = Started
		}
		if d.Done(r) {
			s.State = Done
			f, err := model.ReadFile(d.Model(r))
			var info *model.Info
			if err == nil {
				info, err = model.DecodeInfo(f)
			}
			if err != nil {
				s.Err = err
			} else {
				s.BestEpoch, s.Validation, s.Test = info.BestEpoch, info.ValidationAccuracy, info.TestAccuracy
			}
		}
		out[i] = s
	}
	return out
}

// countLines returns the number of lines in the file at path (0 when it
// cannot be read).
func countLines(path string) int {
	b, err := os.ReadFile(path)
	if err != nil {
		return 0
	}
	return bytes.Count(b, []byte("\n"))
}

// Stats are the mean, the sample standard deviation (n-1 in the
// denominator; 0 for one value), the least and the greatest of N values.
type Stats struct {
	N                  int
	Mean, SD, Min, Max float64
}

// StatsOf returns the Stats of xs.
func StatsOf(xs []float64) Stats {
	s := Stats{N: len(xs), Min: math.Inf(1), Max: math.Inf(-1)}
	if s.N == 0 {
		return Stats{}
	}
	for _, x := range xs {
		s.Mean += x
		s.Min, s.Max = min(s.Min, x), max(s.Max, x)
	}
	s.Mean /= float64(s.N)
	if s.N > 1 {
		var ss float64
		for _, x := range xs {
			ss += (x - s.Mean) * (x - s.Mean)
		}
		s.SD = math.Sqrt(ss / float64(s.N-1))
	}
	return s
}

// Summary is a setting's runs: how many, how many are done, and the
// statistics over the done ones' seeds of their validation and test
// accuracies.
type Summary struct {
	Setting          string
	Runs, Done       int
	Validation, Test Stats
}

// Summarize groups st by setting, in the order the settings first
// appear.
func Summarize(st []RunStatus) []Summary {
	var order []string
	vals, tests, runs := map[string][]float64{}, map[string][]float64{}, map[string]int{}
	for _, s := range st {
		k := s.Run.Setting
		if _, ok := runs[k]; !ok {
			order = append(order, k)
		}
		runs[k]++
		if s.State == Done && s.Err == nil {
			vals[k] = append(vals[k], s.Validation)
			tests[k] = append(tests[k], s.Test)
		}
	}
	out := make([]Summary, len(order))
	for i, k := range order {
		out[i] = Summary{Setting: k, Runs: runs[k], Done: len(vals[k]), Validation: StatsOf(vals[k]), Test: StatsOf(tests[k])}
	}
	return out
}

// WriteReport writes the table of the settings of st (Summarize) and,
// with perRun, a line for every run, to w. It returns the first model
// file that could not be read, after writing the rest.
func WriteReport(w io.Writer, st []RunStatus, perRun bool) error {
	sums := Summarize(st)
	width := len("setting")
	for _, s := range sums {
		width = max(width, len(s.Setting))
	}
	fmt.Fprintf(w, "%-*s  %5s  %-15s  %-15s  %s\n", width, "setting", "runs", "validation %", "test %", "test min-max")
	for _, s := range sums {
		fmt.Fprintf(w, "%-*s  %5s  %-15s  %-15s  %s\n", width, s.Setting, fmt.Sprintf("%d/%d", s.Done, s.Runs),
			meanSD(s.Validation), meanSD(s.Test), minMax(s.Test))
	}
	fmt.Fprintln(w, "(mean ± standard deviation over the seeds done; each run's accuracies are those of the epoch it selected on validation)")
	var errs []error
	for _, s := range st {
		if s.Err != nil {
			errs = append(errs, fmt.Errorf("run %d %s: %w", s.Run.Index, s.Run.Name, s.Err))
		}
		if perRun {
			fmt.Fprintf(w, "run %d %s: %s\n", s.Run.Index, s.Run.Name, s.describe())
		}
	}
	return errors.Join(errs...)
}

// describe says where a run is, for the report.
func (s RunStatus) describe() string {
	switch {
	case s.Err != nil:
		return "model unreadable: " + s.Err.Error()
	case s.State == Done:
		return fmt.Sprintf("done, epoch %d selected: validation %.2f%%, test %.2f%%", s.BestEpoch, 100*s.Validation, 100*s.Test)
	case s.State == Started:
		return fmt.Sprintf("started, %d %s done (training, or stopped and will resume)", s.Epochs, plural(s.Epochs, "epoch"))
	}
	return "not started"
}

func meanSD(s Stats) string {
	switch s.N {
	case 0:
		return "-"
	case 1:
		return fmt.Sprintf("%.2f", 100*s.Mean)
	}
	return fmt.Sprintf("%.2f ± %.2f", 100*s.Mean, 100*s.SD)
}

func minMax(s Stats) string {
	if s.N == 0 {
		return "-"
	}
	return fmt.Sprintf("%.2f-%.2f", 100*s.Min, 100*s.Max)
}

func plural(n int, word string) string {
	if n == 1 {
		return word
	}
	return strings.TrimSuffix(word, "s") + "s"
}
