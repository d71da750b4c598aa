package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"runtime/pprof"
	"strings"
	"time"

	"github.com/deepnet-go/deepnet/nn"
	"github.com/deepnet-go/deepnet/train"
)

func runBench(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	return parallel("bench", stdout, stderr, func(g *peers, stdout io.Writer) error {
		return benchAs(g, args, stdout, stderr)
	})
}

// benchAs is deepnet bench as one process of the group g (nil: alone):
// the group trains each mini-batch together, and rank 0 reports the
// group's speed and the share of the time its all-reduces took.
func benchAs(g *peers, args []string, stdout, stderr io.Writer) error {
	b, err := parseBench(args, stderr)
	if err != nil {
		return err
	}
	if g.rank() > 0 {
		*b.cpuprofile = "" // rank 0's profile
	}
	netCfg, cfg, p, err := b.settings()
	if err != nil {
		return err
	}
	if err := b.outs.check(); err != nil {
		return err
	}
	if *b.onnx != "" && !*b.infer {
		return fmt.Errorf("--onnx writes the network --infer times; give --infer too")
	}
	if *b.infer {
		if g != nil {
			return fmt.Errorf("--infer times one process; run it without mpirun")
		}
		return b.timeInference(netCfg, stdout)
	}
	data := p
	data.Expanded = false // the speed of a step does not depend on it
	tk, err := newTask(b.trainFlags, data, stderr)
	if err != nil {
		return err
	}
	netCfg.In, netCfg.MaxBatch = tk.input(), cfg.Batch
	extra, err := tk.prepare(b.trainFlags, &cfg)
	if err != nil {
		return err
	}
	if extra != "" {
		fmt.Fprintln(stderr, extra)
	}
	net, err := buildNetwork(netCfg, cfg)
	if err != nil {
		return err
	}
	obj, err := tk.objective(net, cfg)
	if err != nil {
		return err
	}
	var timed *timedComm
	if g != nil {
		timed = &timedComm{Comm: g.comm}
		cfg.Comm = timed
	}
	t, err := train.NewTrainer(obj, cfg)
	if err != nil {
		return err
	}
	n, sec, err := b.time(t, cfg, obj.Examples(), timed)
	if err != nil {
		return err
	}
	plans, err := nn.Plan(netCfg.Spec, netCfg.In)
	if err != nil {
		return err
	}
	flops := nn.TrainFLOPs(plans)
	name := "preset=" + p.Name
	if b.given("net") { // the preset gave the training settings, --net the network
		name += fmt.Sprintf(" net=%q", netCfg.Spec.String())
	}
	// An example is an image, or a window of seq characters of a row.
	unit, items := tk.unit(), n*tk.perExample()
	per := flops / float64(tk.perExample())
	fmt.Fprintf(stdout, "deepnet %s batch=%d %s=%d seconds=%.2f\n", name, cfg.Batch, unit, items, sec)
	fmt.Fprintf(stdout, "gflops %.1f  (%.2f MFLOP per training %s)\n", flops*float64(n)/sec/1e9, per/1e6, strings.TrimSuffix(unit, "s"))
	if timed != nil {
		fmt.Fprintf(stdout, "processes %d  allreduce_seconds %.2f  (%.1f%% of the time, waiting for the slowest process included)\n",
			g.comm.Size(), timed.reduce.Seconds(), 100*timed.reduce.Seconds()/sec)
	}
	fmt.Fprintf(stdout, "train_%s_per_sec %.0f\n", unit, float64(items)/sec)
	return nil
}

// benchCmd is one run of deepnet bench: the training flags and its own.
type benchCmd struct {
	*trainFlags
	outs       outputs
	images     *int
	cpuprofile *string
	infer      *bool
	onnx       *string
}

func parseBench(args []string, stderr io.Writer) (*benchCmd, error) {
	b := &benchCmd{trainFlags: newTrainFlags("bench")}
	b.defaultPreset = "relu"
	b.images = b.fs.Int("images", 20000, "train on this many examples (images, or windows of a text's rows), 1 or more (after a warm-up of 20 mini-batches)")
	b.cpuprofile = b.outs.stream(b.fs, "cpuprofile", "write a CPU profile of the timed part to this file")
	b.infer = b.fs.Bool("infer", false, "time inference instead of training: images per second at batch 1 and 64 (--images at each), on random weights and images")
	b.onnx = b.outs.file(b.fs, "onnx", "with --infer: also write the network timed as an ONNX file (for onnx/testdata/ort/bench.js)")
	if err := parseFlags(b.fs, args, stderr); err != nil {
		return nil, err
	}
	return b, checkRanges(b.fs, []rangeCheck{{"images", *b.images >= 1, "1 or more images"}})
}

// time trains 20 mini-batches to warm up, then --images examples (whole
// mini-batches, at least one) of the n training examples, cycling through
// them in order, under --cpuprofile; it returns the examples timed and the
// seconds. timed, if set, starts counting the all-reduces' time with the
// timed part.
func (b *benchCmd) time(t *train.Trainer, cfg train.Config, n int, timed *timedComm) (int, float64, error) {
	idx := make([]int, cfg.Batch)
	batch := func(k int) []int {
		for i := range idx {
			idx[i] = (k*cfg.Batch + i) % n
		}
		return idx
	}
	for k := 0; k < 20; k++ {
		t.Step(batch(k), cfg.Eta)
	}
	steps := max(*b.images/cfg.Batch, 1)
	if *b.cpuprofile != "" {
		if err := makeParent(*b.cpuprofile); err != nil {
			return 0, 0, err
		}
		pf, err := os.Create(*b.cpuprofile)
		if err != nil {
			return 0, 0, err
		}
		defer pf.Close()
		if err := pprof.StartCPUProfile(pf); err != nil {
			return 0, 0, err
		}
		defer pprof.StopCPUProfile()
	}
	if timed != nil {
		timed.reduce = 0
	}
	start := time.Now()
	for k := 0; k < steps; k++ {
		t.Step(batch(20+k), cfg.Eta)
	}
	return steps * cfg.Batch, time.Since(start).Seconds(), nil
}
