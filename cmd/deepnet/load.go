package main

import (
	"flag"
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/deepnet-go/deepnet/data"
	"github.com/deepnet-go/deepnet/model"
	"github.com/deepnet-go/deepnet/nn"
	"github.com/deepnet-go/deepnet/train"
)

// memoryLimit is the budget, in bytes, from --max-memory, of the networks
// a command builds or loads (with their training) and of the data it reads
// (0: the libraries' defaults, nn.DefaultMaxMemory and
// data.DefaultMaxBytes).
var memoryLimit int64

// machine is the flags that say how much of the machine a command may
// use: --workers and --max-memory.
type machine struct {
	fs      *flag.FlagSet
	workers *int
	memory  *string
}

// machineFlags declares --workers and --max-memory.
func machineFlags(fs *flag.FlagSet) machine {
	return machine{fs: fs, workers: workersFlag(fs), memory: memoryFlag(fs)}
}

// apply checks the flags given and applies them.
func (m machine) apply() error {
	if err := applyWorkers(m.fs, *m.workers); err != nil {
		return err
	}
	return applyMemory(m.fs, *m.memory)
}

// memoryFlag declares --max-memory; applyMemory reads it.
func memoryFlag(fs *flag.FlagSet) *string {
	return fs.String("max-memory", "", fmt.Sprintf("the most memory the data, and a network with its training, may each take, such as 512MB or 4GB (default: a quarter of this machine's memory, at most %s, for a network; 1 GB for the data)", nn.FormatBytes(nn.MemoryCap)))
}

// applyMemory sets memoryLimit from --max-memory, when it was given.
func applyMemory(fs *flag.FlagSet, s string) error {
	if !given(fs, "max-memory") {
		return nil
	}
	n, err := parseBytes(s)
	if err != nil || n < 1<<20 {
		return fmt.Errorf("--max-memory %q: want a size of 1MB or more, such as 512MB or 4GB", s)
	}
	memoryLimit = n
	return nil
}

// parseBytes reads a size: a number and a unit B, kB, MB, GB or TB (powers
// of 1000), KiB, MiB, GiB or TiB (powers of 1024); no unit is bytes.
func parseBytes(s string) (int64, error) {
	s = strings.TrimSpace(s)
	units := []struct {
		suffix string
		scale  float64
	}{{"KiB", 1 << 10}, {"MiB", 1 << 20}, {"GiB", 1 << 30}, {"TiB", 1 << 40},
		{"kB", 1e3}, {"KB", 1e3}, {"MB", 1e6}, {"GB", 1e9}, {"TB", 1e12}, {"B", 1}}
	scale := 1.0
	for _, u := range units {
		if rest, ok := strings.CutSuffix(s, u.suffix); ok {
			s, scale = strings.TrimSpace(rest), u.scale
			break
		}
	}
	v, err := strconv.ParseFloat(s, 64)
	if err != nil || !(v >= 0) || v*scale > math.MaxInt64/2 {
		return 0, fmt.Errorf("not a size")
	}
	return int64(v * scale), nil
}

// buildNetwork builds the network of cfg for a run of tcfg, after checking
// that it fits in memoryLimit (see checkTraining).
func buildNetwork(cfg nn.Config, tcfg train.Config) (*nn.Network, error) {
	if err := checkTraining(cfg, tcfg); err != nil {
		return nil, err
	}
	cfg.MaxMemory = memoryLimit
	return nn.New(cfg)
}

// checkTraining reports, before anything is allocated, a run of tcfg whose
// network (of cfg) and copies of its parameters would not fit in
// memoryLimit.
func checkTraining(cfg nn.Config, tcfg train.Config) error {
	plans, err := nn.Plan(cfg.Spec, cfg.In)
	if err != nil {
		return err
	}
	return nn.CheckMemory("training this network", train.MemoryNeeded(plans, cfg.MaxBatch, tcfg), memoryLimit)
}

// loadModel loads the model file at path, built for one example at a
// time, within memoryLimit.
func loadModel(path string) (*nn.Network, *model.Info, error) {
	return model.LoadWith(path, model.Options{MaxBatch: 1, MaxMemory: memoryLimit})
}

// loadClassifier loads the model file at path, built for batches of up to
// maxBatch (0: model.DefaultMaxBatch) within memoryLimit, and checks that
// it is a classifier of whole examples.
func loadClassifier(path string, maxBatch int) (*nn.Network, *model.Info, error) {
	if path == "" {
		return nil, nil, fmt.Errorf("--model FILE is required")
	}
	net, info, err := model.LoadWith(path, model.Options{MaxBatch: maxBatch, MaxMemory: memoryLimit})
	if err != nil {
		return nil, nil, err
	}
	if err := net.CheckClassifier(); err != nil {
		return nil, nil, fmt.Errorf("%s: %w", path, err)
	}
	return net, info, nil
}

// checkSets reports, naming the model file path, a network that does not
// take the sets' images or has no class for one of their labels.
func checkSets(path string, net *nn.Network, sets ...*data.Set) error {
	for _, s := range sets {
		if s == nil || s.N == 0 {
			continue
		}
		if err := net.CheckImages(s.Rows, s.Cols); err != nil {
			return fmt.Errorf("%s: %w", path, err)
		}
		if err := s.CheckLabels(net.Classes()); err != nil {
			return fmt.Errorf("%s has %d classes: %w", path, net.Classes(), err)
		}
	}
	return nil
}
