package main

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/deepnet-go/deepnet/data"
	"github.com/deepnet-go/deepnet/model"
	"github.com/deepnet-go/deepnet/nn"
	"github.com/deepnet-go/deepnet/rbm"
	"github.com/deepnet-go/deepnet/train"
)

func runDBN(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	c, err := parseDBN(args, stderr)
	if err != nil {
		return err
	}
	if err := c.check(); err != nil {
		return err
	}
	if err := c.outs.check(); err != nil {
		return err
	}
	d, err := c.loadData(stderr)
	if err != nil {
		return err
	}
	sizes := append([]int{d.Train.Pixels()}, c.sizes...)
	net, err := rbm.NewDBN(rbm.DBNConfig{Sizes: sizes, Labels: c.classes(), In: nn.Shape{C: 1, H: d.Train.Rows, W: d.Train.Cols}, Seed: *c.seedValue})
	if err != nil {
		return err
	}
	tc, cd := c.config(d.Train.N, *c.seedValue)
	info := model.Info{Eta: tc.Eta, Lambda: tc.Lambda, Momentum: tc.Momentum, BatchSize: tc.Batch, Epochs: tc.Epochs,
		Seed: tc.Seed, Data: fmt.Sprintf("mnist-%d", d.Train.N), Extra: map[string]string{"cd": cd.String(), "weight_cost": fmt.Sprint(c.weightCost)}}
	c.printHeader(stdout, net, cd, d)
	metrics, err := c.openMetrics()
	if err != nil {
		return err
	}
	defer metrics.Close()
	start := time.Now()
	_, err = rbm.Greedy(ctx, net, d, c.greedyConfig(net, info, d, metrics, stdout, stderr))
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "trained  %d RBMs  (%s)\n", len(net.RBMs), time.Since(start).Round(time.Second))
	if net.Labels > 0 {
		val, test := dbnAccuracy(net, d.Validation), dbnAccuracy(net, d.Test)
		fmt.Fprintf(stdout, "the DBN's own labels (the top RBM's most probable): validation accuracy %.2f%%, test accuracy %.2f%%\n", 100*val, 100*test)
	}
	return c.save(stdout, net, info)
}

// dbnCmd is one run of deepnet dbn.
type dbnCmd struct {
	*cdFlags
	outs                             outputs
	hidden                           string
	sizes                            []int
	labels                           bool
	top                              string
	topCD                            *rbm.CDConfig
	out, metrics, checkpoint, resume *string
	args                             []string
	resuming                         bool
}

func newDBNCmd() *dbnCmd {
	c := &dbnCmd{cdFlags: newCDFlags("dbn")}
	fs := c.fs
	fs.StringVar(&c.hidden, "hidden", "500,500,2000", "the hidden layers' units, comma-separated, bottom first: an RBM joins each to the layer below (Hinton, Osindero and Teh's 784-500-500-2000)")
	fs.BoolVar(&c.labels, "labels", true, "join the 10 labels to the top RBM's visible units, so that it learns them with the top two layers (--labels=false: train on the images alone, as a model of unlabelled data)")
	fs.StringVar(&c.top, "top", "", "the top RBM's negative phase, cd-K or pcd-K, when it is not the others' (--k, --pcd): \"pcd-1\" removes the spurious modes CD leaves in the associative memory the DBN generates from")
	c.out = c.outs.file(fs, "out", "save the DBN to this model file")
	c.metrics = c.outs.stream(fs, "metrics", "write one JSON object per epoch of each RBM to this file (\"layer\" counts from 1)")
	c.checkpoint = c.outs.dir(fs, "checkpoint", "keep the run's state in this directory: dbn.safetensors after each RBM, layer-I.safetensors after each epoch of RBM I")
	c.resume = fs.String("resume", "", "continue the run whose checkpoint directory this is (its flags are reused; flags given here override them)")
	fs.Usage = func() {
		fmt.Fprintln(fs.Output(), "usage: deepnet dbn [--hidden 500,500,2000] [--labels=false] [--top pcd-1] [--epochs N] [--out FILE] [flags]\n\n"+
			"Trains a deep belief net greedily (Hinton, Osindero and Teh 2006): an RBM on MNIST's training\n"+
			"images by contrastive divergence (Hinton's recipe by default), then one on its hidden\n"+
			"probabilities, and so on, the top one with the labels. deepnet generate draws what it\n"+
			"learned; deepnet train --init-from FILE fine-tunes the network it initialises.")
		fs.PrintDefaults()
	}
	return c
}

// Files of a --checkpoint directory of deepnet dbn (rbm.GreedyConfig's).
const (
	dbnStateFile = "dbn.safetensors"
	dbnLayerFile = "layer-%d.safetensors"
)

// parseDBN parses dbn's command line; with --resume DIR, the command line
// of the run it continues first (from the DBN or the first layer's
// checkpoint there).
func parseDBN(args []string, stderr io.Writer) (*dbnCmd, error) {
	c := newDBNCmd()
	if err := parseFlags(c.fs, args, stderr); err != nil {
		return nil, err
	}
	c.args = args
	if *c.resume == "" {
		return c, nil
	}
	path, kind := filepath.Join(*c.resume, dbnStateFile), rbm.KindDBN
	if _, err := os.Stat(path); errors.Is(err, fs.ErrNotExist) {
		path, kind = filepath.Join(*c.resume, fmt.Sprintf(dbnLayerFile, 0)), rbm.KindRBM
	}
	_, orig, err := checkpointArgs(path, kind)
	if err != nil {
		return nil, err
	}
	all := append(orig, args...)
	r := newDBNCmd()
	if err := parseFlags(r.fs, all, stderr); err != nil {
		return nil, err
	}
	*r.checkpoint = cmp.Or(*c.checkpoint, *c.resume)
	r.args, r.resuming = withoutFlag(all, "resume"), true
	return r, nil
}

// check checks the flags' values and reads --hidden.
func (c *dbnCmd) check() error {
	c.sizes = nil
	for _, s := range strings.Split(c.hidden, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(s))
		if err != nil || n < 1 || n > maxHiddenUnits {
			return fmt.Errorf("--hidden %q: want the hidden layers' units, 1 to %d each, comma-separated, such as 500,500,2000", c.hidden, maxHiddenUnits)
		}
		c.sizes = append(c.sizes, n)
	}
	if len(c.sizes) > 16 {
		return fmt.Errorf("--hidden %q: %d hidden layers; want 1 to 16", c.hidden, len(c.sizes))
	}
	if err := c.parseTop(); err != nil {
		return err
	}
	return c.cdFlags.check()
}

// parseTop reads --top: "" (the others' phase), cd-K or pcd-K.
func (c *dbnCmd) parseTop() error {
	c.topCD = nil
	if c.top == "" {
		return nil
	}
	name, k, _ := strings.Cut(c.top, "-")
	n, err := strconv.Atoi(k)
	if err != nil || n < 1 || n > maxGibbs || name != "cd" && name != "pcd" {
		return fmt.Errorf("--top %q: want cd-K or pcd-K with K from 1 to %d, such as pcd-1", c.top, maxGibbs)
	}
	c.topCD = &rbm.CDConfig{K: n, Persistent: name == "pcd"}
	return nil
}

// classes is the number of label units.
func (c *dbnCmd) classes() int {
	if c.labels {
		return 10
	}
	return 0
}

// printHeader says what is trained, on what and how.
func (c *dbnCmd) printHeader(w io.Writer, net *rbm.DBN, cd rbm.CDConfig, d *data.Splits) {
	sizes := make([]string, len(net.Sizes))
	for i, s := range net.Sizes {
		sizes[i] = strconv.Itoa(s)
	}
	labels := "no labels"
	if net.Labels > 0 {
		labels = fmt.Sprintf("%d labels joined to the top RBM's visible units", net.Labels)
	}
	fmt.Fprintf(w, "dbn      %s, %s\n", strings.Join(sizes, "-"), labels)
	fmt.Fprintf(w, "training %d images (validation %d, test %d); each RBM: %s\n", d.Train.N, d.Validation.N, d.Test.N, c.describe(cd))
	if c.topCD != nil {
		top := cd
		top.K, top.Persistent = c.topCD.K, c.topCD.Persistent
		fmt.Fprintf(w, "top RBM  %s\n", top)
	}
}

// greedyConfig returns Greedy's settings: each RBM's with the flags' (its
// seed the flag's plus its index), its epochs printed and recorded.
func (c *dbnCmd) greedyConfig(net *rbm.DBN, info model.Info, d *data.Splits, metrics *os.File, stdout, stderr io.Writer) rbm.GreedyConfig {
	if *c.checkpoint != "" {
		cmdline, _ := json.Marshal(c.args)
		info.Extra["args"] = string(cmdline)
	}
	bar := newProgress(stderr)
	return rbm.GreedyConfig{Dir: *c.checkpoint, Resume: c.resuming, Info: info,
		Layer: func(i int) (train.Config, rbm.CDConfig) {
			tc, cd := c.config(d.Train.N, *c.seedValue+uint64(i))
			if i == len(net.RBMs)-1 && c.topCD != nil {
				cd.K, cd.Persistent = c.topCD.K, c.topCD.Persistent
			}
			tc.OnBatch = bar.batch
			tc.OnEpoch = func(e train.Epoch) {
				bar.clear()
				fmt.Fprintf(stdout, "RBM %d/%d epoch %d/%d: validation pseudo-NLL %.2f nats  (reconstruction error %.2f, %.1fs)\n",
					i+1, len(net.RBMs), e.Epoch+1, tc.Epochs, e.Validation, e.Cost, e.Seconds)
				writeLayerRecord(metrics, i, e)
			}
			return tc, cd
		}}
}

// openMetrics opens --metrics (nil when not given) and, when resuming,
// writes the records of the epochs the layers' checkpoints hold.
func (c *dbnCmd) openMetrics() (*os.File, error) {
	if *c.metrics == "" {
		return nil, nil
	}
	if err := makeParent(*c.metrics); err != nil {
		return nil, err
	}
	f, err := os.OpenFile(*c.metrics, os.O_CREATE|os.O_WRONLY|os.O_TRUNC, 0o644)
	if err != nil || !c.resuming {
		return f, err
	}
	for i := 0; ; i++ {
		_, _, st, err := rbm.ReadCheckpoint(filepath.Join(*c.checkpoint, fmt.Sprintf(dbnLayerFile, i)))
		if err != nil {
			return f, nil
		}
		for _, e := range st.Result.Epochs {
			writeLayerRecord(f, i, e)
		}
	}
}

// writeLayerRecord writes the record of an epoch of RBM i (from 0) as a
// line of JSON with "layer" (from 1) first; nothing when w is nil.
func writeLayerRecord(w *os.File, i int, e train.Epoch) {
	if w == nil {
		return
	}
	b, _ := json.Marshal(e)
	fmt.Fprintf(w, "{\"layer\":%d,%s\n", i+1, b[1:])
}

// dbnAccuracy returns the fraction of set the DBN labels right.
func dbnAccuracy(net *rbm.DBN, set *data.Set) float64 {
	const b = 500
	x, idx := make([]float32, b*set.Pixels()), make([]int, b)
	correct := 0
	for lo := 0; lo < set.N; lo += b {
		n := min(b, set.N-lo)
		for i := range n {
			idx[i] = lo + i
		}
		set.Batch(x, idx[:n])
		for i, l := range net.Classify(x[:n*set.Pixels()], n) {
			if l == int(set.Labels[lo+i]) {
				correct++
			}
		}
	}
	return float64(correct) / float64(max(set.N, 1))
}

// save writes the DBN to --out.
func (c *dbnCmd) save(w io.Writer, net *rbm.DBN, info model.Info) error {
	if *c.out == "" {
		return nil
	}
	if err := makeParent(*c.out); err != nil {
		return err
	}
	delete(info.Extra, "args")
	if err := rbm.SaveDBN(*c.out, net, info); err != nil {
		return err
	}
	fmt.Fprintf(w, "saved    %s\n", *c.out)
	return nil
}
