package main

import (
	"fmt"
	"io"
	"reflect"
	"strings"
	"time"

	"github.com/deepnet-go/deepnet/nn"
	"github.com/deepnet-go/deepnet/train"
	"github.com/deepnet-go/deepnet/viz"
)

// printHeader prints what is trained, on what and how, what the preset
// expects, and, when resuming, the epochs done before.
func (c *trainCmd) printHeader(w io.Writer, netCfg nn.Config, cfg train.Config, p train.Preset, tk task, extra string) {
	fmt.Fprintf(w, "network  %s\n", netCfg.Spec)
	fmt.Fprintf(w, "training %s, %d epochs, mini-batch %d, η %g, λ %g, seed %d\n",
		tk.describe(), cfg.Epochs, cfg.Batch, cfg.Eta, cfg.Lambda, *c.seed)
	if line := optimizerLine(cfg); line != "" {
		fmt.Fprintln(w, line)
	}
	if extra != "" {
		fmt.Fprintln(w, extra)
	}
	if c.initLine != "" {
		fmt.Fprintln(w, c.initLine)
	}
	for _, line := range c.transferLines {
		fmt.Fprintln(w, line)
	}
	if cfg.Final {
		fmt.Fprintln(w, "final    no validation: the model kept is the last epoch's (the averaged weights with --average), nothing selected")
	}
	if line := viewsLine(cfg.Views); line != "" {
		fmt.Fprintln(w, line)
	}
	if presetAsIs(p, c.saved != nil, cfg.Teacher != nil) && !c.otherData() {
		fmt.Fprintf(w, "expect   %s\n", p.Expect)
	}
	if c.saved != nil {
		fmt.Fprintf(w, "resuming after epoch %d\n", c.saved.Next)
		for _, e := range c.saved.Result.Epochs {
			printEpoch(w, e, cfg.Epochs)
		}
	}
}

// optimizerLine says how cfg updates the weights when it is not SGD's way
// (the training line gives η, λ and the momentum is the preset's): the
// optimiser other than SGD, gradient clipping.
func optimizerLine(cfg train.Config) string {
	var parts []string
	if spec, _ := train.ParseOptimizer(cfg.Optimizer); spec.Name != train.OptimizerSGD {
		parts = append(parts, "optimiser "+spec.String())
	}
	if cfg.ClipNorm > 0 {
		parts = append(parts, fmt.Sprintf("gradients clipped to L2 norm %g", cfg.ClipNorm))
	}
	if len(parts) == 0 {
		return ""
	}
	return "update   " + strings.Join(parts, ", ")
}

// printBest prints the selected epoch's validation and test scores.
func (c *trainCmd) printBest(w io.Writer, res *train.Result, cfg train.Config, took time.Duration) {
	best, _ := res.Best()
	if cfg.Final {
		fmt.Fprintf(w, "final model (%s, no validation, nothing selected): test accuracy %.2f%%  (%s)\n", best.Name(), 100*res.TestAtBest, took.Round(time.Second))
		return
	}
	if best.Metric != "" {
		fmt.Fprintf(w, "best validation %s at %s  (%s)\n", formatScore(best.Metric, res.BestValidation), best.Name(), took.Round(time.Second))
		return
	}
	there := "that epoch"
	if best.Averaged {
		there = "those weights"
	}
	among := ""
	if cfg.SelectLast > 0 {
		among = fmt.Sprintf(" (of the last %d epochs)", cfg.SelectLast)
		if cfg.Average > 0 {
			among = fmt.Sprintf(" (of the last %d epochs and the averaged weights)", cfg.SelectLast)
		}
	}
	fmt.Fprintf(w, "best validation accuracy%s %.2f%% at %s; test accuracy at %s %.2f%%  (%s)\n",
		among, 100*res.BestValidation, best.Name(), there, 100*res.TestAtBest, took.Round(time.Second))
}

// presetAsIs reports whether a run trains the preset p exactly as it is
// defined, from the start and without a teacher, so that its Expect line
// holds: a flag that changes the preset voids it.
func presetAsIs(p train.Preset, resumed, teacher bool) bool {
	orig, err := train.LookupPreset(p.Name)
	return err == nil && p.Expect != "" && reflect.DeepEqual(p, orig) && !resumed && !teacher
}

// otherData reports whether a flag changes the data or the starting
// weights the preset's Expect line was measured with.
func (c *trainCmd) otherData() bool {
	for _, name := range []string{"data", "classes", "labels-per-class", "train-limit", "from", "init-from", "no-validation"} {
		if c.given(name) {
			return true
		}
	}
	return false
}

func printEpoch(w io.Writer, e train.Epoch, epochs int) {
	if e.Metric != "" {
		fmt.Fprintf(w, "epoch %d/%d: validation %s  (cost %.4f, %.1fs)\n", e.Epoch+1, epochs, formatScore(e.Metric, e.Validation), e.Cost, e.Seconds)
		return
	}
	through := ""
	if e.Views > 0 {
		through = fmt.Sprintf(" through %d views", e.Views)
	}
	if e.NoValidation {
		if e.Averaged {
			fmt.Fprintf(w, "averaged weights: no validation  (%.1fs)\n", e.Seconds)
			return
		}
		fmt.Fprintf(w, "epoch %d/%d: no validation  (cost %.4f, %.1fs)\n", e.Epoch+1, epochs, e.Cost, e.Seconds)
		return
	}
	if e.Averaged {
		fmt.Fprintf(w, "averaged weights: validation accuracy %.2f%%%s  (%.1fs)\n", 100*e.Validation, through, e.Seconds)
		return
	}
	fmt.Fprintf(w, "epoch %d/%d: validation accuracy %.2f%%%s  (cost %.4f, %.1fs)\n",
		e.Epoch+1, epochs, 100*e.Validation, through, e.Cost, e.Seconds)
}

// plotCurves draws validation and test accuracy per epoch into a PNG (or
// the validation score, for a metric other than accuracy).
func plotCurves(path string, res *train.Result, title string) error {
	if err := makeParent(path); err != nil {
		return err
	}
	var val, test []float64
	for _, e := range res.Epochs {
		val = append(val, 100*e.Validation)
		test = append(test, 100*e.Test)
	}
	series := []viz.Series{{Name: "validation %", Y: val}, {Name: "test %", Y: test}}
	if len(res.Epochs) > 0 && res.Epochs[0].NoValidation {
		series = series[1:]
	}
	if len(res.Epochs) > 0 && res.Epochs[0].Metric != "" {
		for i, e := range res.Epochs {
			val[i] = e.Validation
		}
		series = []viz.Series{{Name: "validation " + strings.ReplaceAll(res.Epochs[0].Metric, "_", " "), Y: val}}
	}
	return viz.WritePNG(path, viz.Curves(series, title))
}

// formatScore writes a score of a metric other than accuracy:
// "1.832 bits/char".
func formatScore(metric string, v float64) string {
	if metric == "bits_per_char" {
		return fmt.Sprintf("%.3f bits/char", v)
	}
	return fmt.Sprintf("%s %.4g", strings.ReplaceAll(metric, "_", " "), v)
}
