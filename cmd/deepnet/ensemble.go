package main

import (
	"cmp"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/deepnet-go/deepnet/data"
	"github.com/deepnet-go/deepnet/data/augment"
	"github.com/deepnet-go/deepnet/data/mnist"
	"github.com/deepnet-go/deepnet/ensemble"
	"github.com/deepnet-go/deepnet/model"
	"github.com/deepnet-go/deepnet/nn"
	"github.com/deepnet-go/deepnet/train"
)

func runEnsemble(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	f := newTrainFlags("ensemble")
	members := f.fs.Int("members", 5, "number of networks to train (seeds --seed, --seed+1, ...)")
	method := f.fs.String("method", "vote", "how members combine: vote (plurality, ties by summed probability), average, or validation (the one of the two with the higher validation accuracy; a tie goes to vote)")
	saveDir := f.fs.String("save", "", "save each trained member into this directory as member-SEED.safetensors; members found there are loaded, not trained again")
	f.fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: deepnet ensemble [flags] [MODEL.safetensors ...]\n\nWith model files, evaluates them; otherwise trains --members networks.")
		f.fs.PrintDefaults()
	}
	f.fs.SetOutput(stderr)
	if err := f.fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return err
		}
		return errUsage
	}
	m, choose := ensemble.Vote, *method == "validation"
	var err error
	if !choose {
		if m, err = ensemble.ParseMethod(*method); err != nil {
			return fmt.Errorf("%w (or validation)", err)
		}
	}
	var nets []*nn.Network
	var d *data.Splits
	var views []augment.View
	if f.fs.NArg() > 0 {
		if views, err = augment.ParseViews(cmp.Or(f.tta, "none")); err != nil {
			return fmt.Errorf("--tta: %w", err)
		}
		for _, path := range f.fs.Args() {
			net, _, err := model.Load(path)
			if err != nil {
				return err
			}
			fmt.Fprintf(stdout, "member %d: %s (%s)\n", len(nets)+1, path, net.Spec)
			nets = append(nets, net)
		}
		if d, err = mnist.LoadDefault(f.dataDir, stderr); err != nil {
			return err
		}
	} else {
		if *members < 1 {
			return fmt.Errorf("--members must be at least 1")
		}
		netCfg, cfg, p, err := f.settings()
		if err != nil {
			return err
		}
		views = cfg.Views
		if d, err = f.loadData(p, stderr); err != nil {
			return err
		}
		teacher, err := f.applyTeacher(&cfg, d.Train)
		if err != nil {
			return err
		}
		if teacher != "" {
			fmt.Fprintln(stdout, teacher)
		}
		if *saveDir != "" {
			if err := os.MkdirAll(*saveDir, 0o755); err != nil {
				return err
			}
		}
		for i := 0; i < *members; i++ {
			seed := f.seed + uint64(i)
			netCfg.Seed, cfg.Seed = seed, seed
			if *saveDir != "" {
				path := filepath.Join(*saveDir, fmt.Sprintf("member-%d.safetensors", seed))
				net, err := loadMember(path, netCfg.Spec)
				if err != nil {
					return err
				}
				if net != nil {
					fmt.Fprintf(stdout, "member %d (seed %d): %s, saved before\n", i+1, seed, path)
					nets = append(nets, net)
					continue
				}
			}
			net, err := nn.New(netCfg)
			if err != nil {
				return err
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
				return err
			}
			best, _ := res.Best()
			fmt.Fprintf(stdout, "member %d (seed %d): best validation %.2f%% at %s, test %.2f%%\n",
				i+1, seed, 100*res.BestValidation, best.Name(), 100*res.TestAtBest)
			if *saveDir != "" {
				info := withBest(f.info(p, cfg, d.Train.N), res, cfg.Views)
				info.Seed = seed
				if err := model.Save(filepath.Join(*saveDir, fmt.Sprintf("member-%d.safetensors", seed)), net, info); err != nil {
					return err
				}
			}
			nets = append(nets, net)
		}
	}
	e, err := ensemble.New(nets, m)
	if err != nil {
		return err
	}
	e.Views = views
	if line := viewsLine(views); line != "" {
		fmt.Fprintln(stdout, line)
	}
	val := e.Evaluate(d.Validation)
	test := e.Evaluate(d.Test)
	for i := range nets {
		fmt.Fprintf(stdout, "member %d: validation %.2f%%  test %.2f%%\n", i+1, 100*val.Members[i], 100*test.Members[i])
	}
	for _, mm := range ensemble.Methods {
		fmt.Fprintf(stdout, "%s: validation %.2f%%  test %.2f%%\n", mm, 100*val.ByMethod[mm], 100*test.ByMethod[mm])
	}
	how := string(m)
	if choose {
		m = ensemble.Choose(val)
		how = string(m) + ", chosen on validation"
	}
	fmt.Fprintf(stdout, "ensemble of %d (%s): validation %.2f%%  test accuracy %.2f%%\n", len(nets), how, 100*val.ByMethod[m], 100*test.ByMethod[m])
	return nil
}

// loadMember loads the member saved at path, or returns nil when there is
// none. A saved member of another architecture is an error, not a member.
func loadMember(path string, spec nn.Spec) (*nn.Network, error) {
	if _, err := os.Stat(path); errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	net, _, err := model.Load(path)
	if err != nil {
		return nil, err
	}
	if net.Spec.String() != spec.String() {
		return nil, fmt.Errorf("%s holds the network %q, not %q", path, net.Spec, spec)
	}
	return net, nil
}
