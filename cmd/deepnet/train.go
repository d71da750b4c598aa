package main

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/deepnet-go/deepnet/model"
	"github.com/deepnet-go/deepnet/nn"
	"github.com/deepnet-go/deepnet/rbm"
	"github.com/deepnet-go/deepnet/train"
	"github.com/deepnet-go/deepnet/web"
)

func runTrain(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	return parallel("train", stdout, stderr, func(g *peers, stdout io.Writer) error {
		return trainAs(ctx, g, args, stdout, stderr)
	})
}

// trainAs is deepnet train as one process of the group g (nil: alone):
// only rank 0 writes files and serves the training page.
func trainAs(ctx context.Context, g *peers, args []string, stdout, stderr io.Writer) error {
	c, err := parseTrain(args, stderr)
	if err != nil {
		return err
	}
	netCfg, cfg, p, err := c.settings()
	if err != nil {
		return err
	}
	if err := c.checkTransfer(); err != nil {
		return err
	}
	c.final(&cfg)
	g.apply(&cfg)
	if g.rank() > 0 {
		*c.metrics, *c.plot, *c.out, *c.serve = "", "", "", ""
	}
	if err := c.outs.check(); err != nil {
		return err
	}
	ln, err := c.listen()
	if err != nil {
		return err
	}
	if ln != nil {
		defer ln.Close()
	}
	tk, err := newTask(c.trainFlags, p, stderr)
	if err != nil {
		return err
	}
	netCfg.In, netCfg.MaxBatch = tk.input(), tk.maxBatch(cfg.Batch)
	if err := c.useDBN(&netCfg); err != nil {
		return err
	}
	if err := c.useFrom(&netCfg, tk.classes()); err != nil {
		return err
	}
	if err := c.checkDecay(cfg, tk.examples(cfg.Batch)); err != nil {
		return err
	}
	extra, err := tk.prepare(c.trainFlags, &cfg)
	if err != nil {
		return err
	}
	net, err := c.network(netCfg, cfg)
	if err != nil {
		return err
	}
	if err := c.transfer(net, &cfg); err != nil {
		return err
	}
	obj, err := tk.objective(net, cfg)
	if err != nil {
		return err
	}
	info := c.info(p, cfg, tk.dataName())
	if err := c.useCheckpoint(&cfg, info); err != nil {
		return err
	}
	c.printHeader(stdout, netCfg, cfg, p, tk, extra)
	if line := g.describe(cfg.Batch); line != "" {
		fmt.Fprintln(stdout, line)
	}
	var watched func(error)
	if ln != nil {
		if watched, err = c.watch(ln, net, tk, cfg, c.title(p, netCfg), stdout, stderr); err != nil {
			return err
		}
	}
	start := time.Now()
	res, err, metricsErr := c.fit(ctx, obj, cfg, stdout, stderr)
	if watched != nil {
		watched(err) // the page says the run is over, and goes
	}
	if err != nil && !errors.Is(err, context.Canceled) {
		return err
	}
	if res == nil || res.BestEpoch < 0 {
		return err
	}
	c.printBest(stdout, res, cfg, time.Since(start))
	if err := c.write(stdout, res, net, netCfg, cfg, p, info, err == nil); err != nil {
		return err
	}
	if err != nil {
		return err
	}
	return metricsErr
}

// trainCmd is one run of deepnet train: the training flags, the files it
// writes and, with --resume, the run it continues.
type trainCmd struct {
	*trainFlags
	outs                           outputs
	metrics, plot, out, checkpoint *string
	resume                         *string
	serve                          *string
	// live watches the run for --serve's page.
	live *web.Live
	// args is the command line a checkpoint records, without --resume.
	args []string
	// checkpointFile is the checkpoint --resume continues (read from
	// resumeFrom), decoded once the flags say how to build its network;
	// saved is its state.
	checkpointFile *model.File
	resumeFrom     string
	saved          *train.SavedState
	// initFrom is --init-from: a DBN whose weights start the network
	// (dbn, once loaded; initLine says so in the header).
	initFrom *string
	dbn      *rbm.DBN
	initLine string
	// from, freeze, fresh and etaPretrained are --from, --freeze, --fresh
	// and --eta-pretrained (transfer.go): src is --from's network, loaded;
	// pretrained the layers that started from saved weights (--from's or
	// --init-from's); transferLines what the header says of them.
	from, freeze  *string
	fresh         *string
	etaPretrained *float64
	src           *nn.Network
	pretrained    []int
	transferLines []string
}

func newTrainCmd() *trainCmd {
	c := &trainCmd{trainFlags: newTrainFlags("train")}
	fs := c.fs
	c.metrics = c.outs.stream(fs, "metrics", "write one JSON object per epoch to this file")
	c.plot = c.outs.file(fs, "plot", "draw the validation and test accuracy per epoch into this PNG file")
	c.out = c.outs.file(fs, "out", "save the trained network (weights of the best validation epoch) to this model file")
	c.checkpoint = c.outs.dir(fs, "checkpoint", "save the run's state into this directory after every epoch")
	c.resume = fs.String("resume", "", "continue the run whose checkpoint directory this is (its flags are reused; flags given here override them)")
	c.serve = fs.String("serve", "", "serve a page that shows the training live (curves, kernels, mistakes) at this address, HOST:PORT such as 127.0.0.1:8080, until training ends")
	c.from = fs.String("from", "", "fine-tune or transfer: start from the weights of this model file (deepnet train --out) in every layer that fits; its network is the one trained unless --net gives another (layers matched by position, kind and shape), with a fresh softmax layer when the number of classes differs; not with --init-from")
	c.freeze = fs.String("freeze", "", freezeUsage)
	c.fresh = fs.String("fresh", "", freshUsage)
	c.etaPretrained = fs.Float64("eta-pretrained", 0, "the learning rate η > 0 of the layers --from or --init-from loaded, on the run's schedule (default: --eta, as the other layers)")
	fs.BoolVar(&c.noValidation, "no-validation", false, "a final model: train on the training and validation images together (all 60,000 of MNIST) for the preset's epochs and keep the last epoch's weights, or the averaged ones with --average, with no selection; report that model's test accuracy")
	c.initFrom = fs.String("init-from", "", "start from the weights of this deep belief net (deepnet dbn --out): fine-tuning; its network, \"fc:500:sigmoid fc:500:sigmoid fc:2000:sigmoid softmax:10\" for 784-500-500-2000, is the one trained unless --net gives another with the same weighted layers (dropout may be added)")
	return c
}

// parseTrain parses train's command line. With --resume DIR it reads the
// checkpoint, then parses the command line of the run it continues and
// args after it, so that a flag given now wins over the same flag then;
// the checkpoint goes on into DIR unless --checkpoint is given now.
func parseTrain(args []string, stderr io.Writer) (*trainCmd, error) {
	c := newTrainCmd()
	if err := parseFlags(c.fs, args, stderr); err != nil {
		return nil, err
	}
	c.args = args
	if *c.resume == "" {
		return c, nil
	}
	dir := *c.resume
	path := filepath.Join(dir, checkpointFile)
	f, orig, err := checkpointArgs(path, model.KindNetwork)
	if err != nil {
		return nil, err
	}
	all := append(orig, args...)
	r := newTrainCmd()
	if err := parseFlags(r.fs, all, stderr); err != nil {
		return nil, err
	}
	*r.checkpoint = cmp.Or(*c.checkpoint, dir)
	r.args, r.checkpointFile, r.resumeFrom = withoutFlag(all, "resume"), f, path
	return r, nil
}

// network returns the network to train for cfg and tcfg: the
// checkpoint's when resuming (built as cfg says), else a new one.
func (c *trainCmd) network(cfg nn.Config, tcfg train.Config) (*nn.Network, error) {
	if c.checkpointFile == nil {
		net, err := buildNetwork(cfg, tcfg)
		if err != nil {
			return nil, err
		}
		return net, c.initWeights(net)
	}
	if err := checkTraining(cfg, tcfg); err != nil {
		return nil, err
	}
	saved, _, st, err := train.DecodeCheckpoint(c.checkpointFile, model.Options{MaxBatch: cfg.MaxBatch, MaxMemory: memoryLimit})
	if err != nil {
		return nil, fmt.Errorf("checkpoint %s: %w", c.resumeFrom, err)
	}
	if !saved.Spec.Equal(cfg.Spec) {
		return nil, fmt.Errorf("--resume: the checkpoint holds %q, the flags say %q", saved.Spec, cfg.Spec)
	}
	c.saved = st
	return saved, nil
}

// useCheckpoint makes cfg continue the run resumed, if any, and save its
// state after every epoch into --checkpoint, if given, with info and the
// command line.
func (c *trainCmd) useCheckpoint(cfg *train.Config, info model.Info) error {
	cfg.Resume = c.saved
	if *c.checkpoint == "" {
		return nil
	}
	if err := os.MkdirAll(*c.checkpoint, 0o755); err != nil {
		return err
	}
	cmdline, _ := json.Marshal(withoutFlag(c.args, "serve")) // a resumed run serves only if asked again
	cfg.Checkpoint, cfg.Info = filepath.Join(*c.checkpoint, checkpointFile), info
	cfg.Info.Extra = map[string]string{"args": string(cmdline)}
	if c.pretrained != nil {
		cfg.Info.Extra[pretrainedKey] = formatIndices(c.pretrained)
	}
	return nil
}

// fit trains obj, printing each epoch, drawing a progress bar on a
// terminal and writing each epoch's record to --metrics. It returns the
// result, the run's error, and the first error writing the metrics.
func (c *trainCmd) fit(ctx context.Context, obj train.Objective, cfg train.Config, stdout, stderr io.Writer) (*train.Result, error, error) {
	var metrics *json.Encoder
	if *c.metrics != "" {
		if err := makeParent(*c.metrics); err != nil {
			return nil, err, nil
		}
		mf, err := os.OpenFile(*c.metrics, os.O_CREATE|os.O_WRONLY|os.O_TRUNC, 0o644)
		if err != nil {
			return nil, err, nil
		}
		defer mf.Close()
		metrics = json.NewEncoder(mf)
		if c.saved != nil {
			for _, e := range c.saved.Result.Epochs {
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
	c.withLive(&cfg)
	res, err := train.Fit(ctx, obj, cfg)
	bar.clear()
	return res, err, metricsErr
}

// write draws --plot and, when the run finished, saves the network to
// --out.
func (c *trainCmd) write(w io.Writer, res *train.Result, net *nn.Network, netCfg nn.Config, cfg train.Config, p train.Preset, info model.Info, finished bool) error {
	if *c.plot != "" {
		if err := plotCurves(*c.plot, res, c.title(p, netCfg)); err != nil {
			return err
		}
	}
	if *c.out == "" || !finished {
		return nil
	}
	if err := makeParent(*c.out); err != nil {
		return err
	}
	if err := model.Save(*c.out, net, withBest(info, res, cfg.Views)); err != nil {
		return err
	}
	best, _ := res.Best()
	fmt.Fprintf(w, "saved    %s (weights of %s)\n", *c.out, best.Name())
	return nil
}

// title names the run: its preset, or its network when --net gave one.
func (c *trainCmd) title(p train.Preset, netCfg nn.Config) string {
	if c.given("net") {
		return netCfg.Spec.String()
	}
	return "preset " + p.Name
}

// checkpointArgs reads the checkpoint at path, which must hold a model of
// kind want, and the command line of the run that wrote it (its training
// info's "args"), which --resume parses before the arguments given with
// it.
func checkpointArgs(path, want string) (*model.File, []string, error) {
	f, err := model.ReadFile(path)
	if err != nil {
		return nil, nil, err
	}
	if err := model.CheckKind(f, want); err != nil {
		return nil, nil, fmt.Errorf("--resume %s: %w", filepath.Dir(path), err)
	}
	info, err := model.DecodeInfo(f)
	if err != nil {
		return nil, nil, fmt.Errorf("%s: %w", path, err)
	}
	var orig []string
	if err := json.Unmarshal([]byte(info.Extra["args"]), &orig); err != nil {
		return nil, nil, fmt.Errorf("%s: checkpoint has no command line: %v", filepath.Dir(path), err)
	}
	return f, orig, nil
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
