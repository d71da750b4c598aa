package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/deepnet-go/deepnet/data"
	"github.com/deepnet-go/deepnet/data/augment"
	"github.com/deepnet-go/deepnet/ensemble"
	"github.com/deepnet-go/deepnet/model"
	"github.com/deepnet-go/deepnet/nn"
	"github.com/deepnet-go/deepnet/sweep"
	"github.com/deepnet-go/deepnet/train"
)

func runEnsemble(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	c, err := parseEnsemble(args, stderr)
	if err != nil {
		return err
	}
	m, choose := ensemble.Vote, *c.method == "validation"
	if !choose {
		if m, err = ensemble.ParseMethod(*c.method); err != nil {
			return fmt.Errorf("%w (or validation)", err)
		}
	}
	var nets []*nn.Network
	var d *data.Splits
	var views []augment.View
	if len(c.files) > 0 {
		nets, d, views, err = c.loadSaved(stdout, stderr)
	} else {
		nets, d, views, err = c.trainMembers(ctx, stdout, stderr)
	}
	if err != nil {
		return err
	}
	return reportEnsemble(stdout, nets, d, views, m, choose)
}

// ensembleCmd is one run of deepnet ensemble: the training flags, its
// own, and the model files to combine (none: train --members networks).
type ensembleCmd struct {
	*trainFlags
	outs    outputs
	members *int
	method  *string
	save    *string
	files   []string
}

// savedModelFlags are the flags that apply to an ensemble of saved model
// files; the others say how to train members.
var savedModelFlags = map[string]bool{"data": true, "tta": true, "method": true, "workers": true, "max-memory": true}

func parseEnsemble(args []string, stderr io.Writer) (*ensembleCmd, error) {
	c := &ensembleCmd{trainFlags: newTrainFlags("ensemble")}
	fs := c.fs
	c.members = fs.Int("members", 5, "number of networks to train, 1 or more (seeds --seed, --seed+1, ...)")
	c.method = fs.String("method", "vote", "how members combine: vote (plurality, ties by summed probability), average, or validation (the one of the two with the higher validation accuracy; a tie goes to vote)")
	c.save = c.outs.dir(fs, "save", "save each trained member into this directory as member-SEED.safetensors; members found there are loaded, not trained again")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: deepnet ensemble [flags] [MODEL.safetensors | DIR | 'PATTERN' ...]\n\nWith model files, evaluates them (a directory: its *.safetensors, a sweep directory's models/; a pattern: the files it matches); otherwise trains --members networks.")
		fs.PrintDefaults()
	}
	fs.SetOutput(stderr)
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return nil, err
		}
		return nil, errUsage
	}
	files, err := modelFiles(fs.Args())
	if err != nil {
		return nil, err
	}
	c.files = files
	if err := checkRanges(fs, []rangeCheck{{"members", *c.members >= 1, "1 or more networks"}}); err != nil {
		return nil, err
	}
	if len(c.files) > 0 {
		fs.Visit(func(f *flag.Flag) {
			if err == nil && !savedModelFlags[f.Name] {
				err = fmt.Errorf("--%s says how to train members; with model files nothing is trained (flags for saved models: --data, --method, --tta, --workers, --max-memory)", f.Name)
			}
		})
	}
	return c, err
}

// loadSaved loads the model files and MNIST.
func (c *ensembleCmd) loadSaved(stdout, stderr io.Writer) ([]*nn.Network, *data.Splits, []augment.View, error) {
	if err := c.machine.apply(); err != nil {
		return nil, nil, nil, err
	}
	views, err := parseTTA(*c.tta)
	if err != nil {
		return nil, nil, nil, err
	}
	var nets []*nn.Network
	d, err := loadMNIST(*c.dataDir, stderr)
	if err != nil {
		return nil, nil, nil, err
	}
	for _, path := range c.files {
		net, _, err := loadClassifier(path, 0)
		if err != nil {
			return nil, nil, nil, err
		}
		if err := checkSets(path, net, d.Validation, d.Test); err != nil {
			return nil, nil, nil, err
		}
		fmt.Fprintf(stdout, "member %d: %s (%s)\n", len(nets)+1, path, net.Spec)
		nets = append(nets, net)
	}
	return nets, d, views, nil
}

// trainMembers trains --members networks, or loads those saved in --save
// before.
func (c *ensembleCmd) trainMembers(ctx context.Context, stdout, stderr io.Writer) ([]*nn.Network, *data.Splits, []augment.View, error) {
	netCfg, cfg, p, err := c.settings()
	if err != nil {
		return nil, nil, nil, err
	}
	if err := c.outs.check(); err != nil {
		return nil, nil, nil, err
	}
	d, err := c.loadData(p, stderr)
	if err != nil {
		return nil, nil, nil, err
	}
	if err := c.checkDecay(cfg, d.Train.N); err != nil {
		return nil, nil, nil, err
	}
	teacher, err := c.applyTeacher(&cfg, d.Train)
	if err != nil {
		return nil, nil, nil, err
	}
	if teacher != "" {
		fmt.Fprintln(stdout, teacher)
	}
	if *c.save != "" {
		if err := os.MkdirAll(*c.save, 0o755); err != nil {
			return nil, nil, nil, err
		}
	}
	var nets []*nn.Network
	for i := 0; i < *c.members; i++ {
		net, err := c.member(ctx, i, netCfg, cfg, p, d, stdout, stderr)
		if err != nil {
			return nil, nil, nil, err
		}
		nets = append(nets, net)
	}
	return nets, d, cfg.Views, nil
}

// member trains member i (counting from 0) with seed --seed+i and saves
// it into --save, or loads it from there when it was saved before.
func (c *ensembleCmd) member(ctx context.Context, i int, netCfg nn.Config, cfg train.Config, p train.Preset, d *data.Splits, stdout, stderr io.Writer) (*nn.Network, error) {
	seed := *c.seed + uint64(i)
	netCfg.Seed, cfg.Seed = seed, seed
	path := ""
	if *c.save != "" {
		path = filepath.Join(*c.save, fmt.Sprintf("member-%d.safetensors", seed))
		net, err := loadMember(path, netCfg.Spec)
		if net != nil {
			fmt.Fprintf(stdout, "member %d (seed %d): %s, saved before\n", i+1, seed, path)
		}
		if net != nil || err != nil {
			return net, err
		}
	}
	net, err := buildNetwork(netCfg, cfg)
	if err != nil {
		return nil, err
	}
	bar := newProgress(stderr)
	cfg.OnBatch = bar.batch
	cfg.OnEpoch = func(e train.Epoch) {
		bar.clear()
		name := fmt.Sprintf("epoch %d/%d", e.Epoch+1, cfg.Epochs)
		if e.Averaged {
			name = e.Name()
		}
		fmt.Fprintf(stdout, "member %d %s: validation accuracy %.2f%%  (%.1fs)\n", i+1, name, 100*e.Validation, e.Seconds)
	}
	res, err := train.Run(ctx, net, d, cfg)
	if err != nil {
		return nil, err
	}
	best, _ := res.Best()
	fmt.Fprintf(stdout, "member %d (seed %d): best validation %.2f%% at %s, test %.2f%%\n",
		i+1, seed, 100*res.BestValidation, best.Name(), 100*res.TestAtBest)
	if path != "" {
		info := withBest(c.info(p, cfg, (&imagesTask{d: d}).dataName()), res, cfg.Views)
		info.Seed = seed
		if err := model.Save(path, net, info); err != nil {
			return nil, err
		}
	}
	return net, nil
}

// reportEnsemble prints each member's and each method's validation and
// test accuracy, and the ensemble's by method m (chosen on validation
// when choose is set).
func reportEnsemble(w io.Writer, nets []*nn.Network, d *data.Splits, views []augment.View, m ensemble.Method, choose bool) error {
	e, err := ensemble.New(nets, m)
	if err != nil {
		return err
	}
	e.Views = views
	if line := viewsLine(views); line != "" {
		fmt.Fprintln(w, line)
	}
	val := e.Evaluate(d.Validation)
	test := e.Evaluate(d.Test)
	for i := range nets {
		fmt.Fprintf(w, "member %d: validation %.2f%%  test %.2f%%\n", i+1, 100*val.Members[i], 100*test.Members[i])
	}
	for _, mm := range ensemble.Methods {
		fmt.Fprintf(w, "%s: validation %.2f%%  test %.2f%%\n", mm, 100*val.ByMethod[mm], 100*test.ByMethod[mm])
	}
	how := string(m)
	if choose {
		m = ensemble.Choose(val)
		how = string(m) + ", chosen on validation"
	}
	fmt.Fprintf(w, "ensemble of %d (%s): validation %.2f%%  test accuracy %.2f%%\n", len(nets), how, 100*val.ByMethod[m], 100*test.ByMethod[m])
	return nil
}

// loadMember loads the member saved at path, or returns nil when there is
// none. A saved member of another architecture is an error, not a member.
func loadMember(path string, spec nn.Spec) (*nn.Network, error) {
	if _, err := os.Stat(path); errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	net, _, err := loadClassifier(path, 0)
	if err != nil {
		return nil, err
	}
	if net.Spec.String() != spec.String() {
		return nil, fmt.Errorf("%s holds the network %q, not %q", path, net.Spec, spec)
	}
	return net, nil
}

// modelFiles expands ensemble's model arguments: a directory stands for
// the *.safetensors files in it (a sweep directory, for those of its
// models/ directory), a pattern with *, ? or [ that is not a file for the
// files it matches, in sorted order. One that gives no file is an error.
func modelFiles(args []string) ([]string, error) {
	var files []string
	for _, a := range args {
		st, err := os.Stat(a)
		switch {
		case err == nil && st.IsDir():
			dir := a
			if _, err := os.Stat(sweep.Dir(a).PlanFile()); err == nil {
				dir = sweep.Dir(a).Models()
			}
			matches, _ := filepath.Glob(filepath.Join(dir, "*.safetensors"))
			if len(matches) == 0 {
				return nil, fmt.Errorf("%s: no model files (*.safetensors) in %s", a, dir)
			}
			files = append(files, matches...)
		case err != nil && strings.ContainsAny(a, "*?["):
			matches, gerr := filepath.Glob(a)
			if gerr != nil || len(matches) == 0 {
				return nil, fmt.Errorf("%s: no file matches the pattern", a)
			}
			files = append(files, matches...)
		default:
			files = append(files, a) // a file, or a path that loading reports
		}
	}
	return files, nil
}
