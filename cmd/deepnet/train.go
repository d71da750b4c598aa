package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"time"

	"github.com/deepnet-go/deepnet/model"
	"github.com/deepnet-go/deepnet/nn"
	"github.com/deepnet-go/deepnet/train"
	"github.com/deepnet-go/deepnet/viz"
)

func runTrain(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	f := newTrainFlags("train")
	checkpoint := f.fs.String("checkpoint", "", "save the run's state into this directory after every epoch")
	resume := f.fs.String("resume", "", "continue the run whose checkpoint directory this is (its flags are reused; flags given here override them)")
	if err := parseFlags(f.fs, args, stderr); err != nil {
		return err
	}
	var saved *train.SavedState
	var savedNet *nn.Network
	if *resume != "" {
		net, info, st, err := train.ReadCheckpoint(filepath.Join(*resume, checkpointFile), 100)
		if err != nil {
			return err
		}
		// Re-read the original command line, then this one over it.
		var orig []string
		if err := json.Unmarshal([]byte(info.Extra["args"]), &orig); err != nil {
			return fmt.Errorf("%s: checkpoint has no command line: %v", *resume, err)
		}
		f = newTrainFlags("train")
		f.fs.String("checkpoint", "", "")
		f.fs.String("resume", "", "")
		if err := parseFlags(f.fs, append(orig, args...), stderr); err != nil {
			return err
		}
		if *checkpoint == "" {
			*checkpoint = *resume
		}
		saved, savedNet, args = st, net, withoutFlag(append(orig, args...), "resume")
	}
	netCfg, cfg, p, err := f.settings()
	if err != nil {
		return err
	}
	d, err := f.loadData(p, stderr)
	if err != nil {
		return err
	}
	teacher, err := f.applyTeacher(&cfg, d.Train)
	if err != nil {
		return err
	}
	net := savedNet
	if net == nil {
		if net, err = nn.New(netCfg); err != nil {
			return err
		}
	} else if net.Spec.String() != netCfg.Spec.String() {
		return fmt.Errorf("--resume: the checkpoint holds %q, the flags say %q", net.Spec, netCfg.Spec)
	}
	info := f.info(p, cfg, d.Train.N)
	if *checkpoint != "" {
		if err := os.MkdirAll(*checkpoint, 0o755); err != nil {
			return err
		}
		cmdline, _ := json.Marshal(args)
		cfg.Checkpoint, cfg.Info = filepath.Join(*checkpoint, checkpointFile), info
		cfg.Info.Extra = map[string]string{"args": string(cmdline)}
	}
	cfg.Resume = saved
	fmt.Fprintf(stdout, "network  %s\n", netCfg.Spec)
	fmt.Fprintf(stdout, "training %d images (validation %d, test %d), %d epochs, mini-batch %d, η %g, λ %g, seed %d\n",
		d.Train.N, d.Validation.N, d.Test.N, cfg.Epochs, cfg.Batch, cfg.Eta, cfg.Lambda, f.seed)
	if teacher != "" {
		fmt.Fprintln(stdout, teacher)
	}
	if line := viewsLine(cfg.Views); line != "" {
		fmt.Fprintln(stdout, line)
	}
	if presetAsIs(p, *resume != "", cfg.Teacher != nil) {
		fmt.Fprintf(stdout, "expect   %s\n", p.Expect)
	}
	if saved != nil {
		fmt.Fprintf(stdout, "resuming after epoch %d\n", saved.Next)
		for _, e := range saved.Result.Epochs {
			printEpoch(stdout, e, cfg.Epochs)
		}
	}
	var metrics *json.Encoder
	if f.metrics != "" {
		mf, err := os.OpenFile(f.metrics, os.O_CREATE|os.O_WRONLY|os.O_TRUNC, 0o644)
		if err != nil {
			return err
		}
		defer mf.Close()
		metrics = json.NewEncoder(mf)
		if saved != nil {
			for _, e := range saved.Result.Epochs {
				metrics.Encode(e)
			}
		}
	}
	bar := newProgress(stderr)
	cfg.OnBatch = bar.batch
	var metricsErr error
	cfg.OnEpoch = func(e train.Epoch) {
		bar.clear()
		printEpoch(stdout, e, cfg.Epochs)
		if metrics != nil && metricsErr == nil {
			metricsErr = metrics.Encode(e)
		}
	}
	start := time.Now()
	res, err := train.Run(ctx, net, d, cfg)
	bar.clear()
	if err != nil && !errors.Is(err, context.Canceled) {
		return err
	}
	if res == nil || res.BestEpoch < 0 {
		return err
	}
	best, _ := res.Best()
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
	fmt.Fprintf(stdout, "best validation accuracy%s %.2f%% at %s; test accuracy at %s %.2f%%  (%s)\n",
		among, 100*res.BestValidation, best.Name(), there, 100*res.TestAtBest, time.Since(start).Round(time.Second))
	if f.plot != "" {
		title := "preset " + p.Name
		if f.given("net") {
			title = netCfg.Spec.String()
		}
		if perr := plotCurves(f.plot, res, title); perr != nil {
			return perr
		}
	}
	if f.out != "" && err == nil {
		if serr := model.Save(f.out, net, withBest(info, res, cfg.Views)); serr != nil {
			return serr
		}
		fmt.Fprintf(stdout, "saved    %s (weights of %s)\n", f.out, best.Name())
	}
	if err != nil {
		return err
	}
	return metricsErr
}

// presetAsIs reports whether a run trains the preset p exactly as it is
// defined, from the start and without a teacher, so that its Expect line
// holds: a flag that changes the preset voids it.
func presetAsIs(p train.Preset, resumed, teacher bool) bool {
	orig, err := train.LookupPreset(p.Name)
	return err == nil && p.Expect != "" && reflect.DeepEqual(p, orig) && !resumed && !teacher
}

// withoutFlag returns args without the flag name and its value.
func withoutFlag(args []string, name string) []string {
	var out []string
	for i := 0; i < len(args); i++ {
		a := strings.TrimLeft(args[i], "-")
		switch {
		case a == name && i+1 < len(args):
			i++
		case strings.HasPrefix(a, name+"="):
		default:
			out = append(out, args[i])
		}
	}
	return out
}

// checkpointFile is the file a --checkpoint directory holds.
const checkpointFile = "checkpoint.safetensors"

func printEpoch(w io.Writer, e train.Epoch, epochs int) {
	through := ""
	if e.Views > 0 {
		through = fmt.Sprintf(" through %d views", e.Views)
	}
	if e.Averaged {
		fmt.Fprintf(w, "averaged weights: validation accuracy %.2f%%%s  (%.1fs)\n", 100*e.Validation, through, e.Seconds)
		return
	}
	fmt.Fprintf(w, "epoch %d/%d: validation accuracy %.2f%%%s  (cost %.4f, %.1fs)\n",
		e.Epoch+1, epochs, 100*e.Validation, through, e.Cost, e.Seconds)
}

// plotCurves draws validation and test accuracy per epoch into a PNG.
func plotCurves(path string, res *train.Result, title string) error {
	var val, test []float64
	for _, e := range res.Epochs {
		val = append(val, 100*e.Validation)
		test = append(test, 100*e.Test)
	}
	img := viz.Curves([]viz.Series{{Name: "validation %", Y: val}, {Name: "test %", Y: test}}, title)
	return viz.WritePNG(path, img)
}
