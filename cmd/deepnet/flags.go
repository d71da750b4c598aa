package main

import (
	"flag"
	"fmt"
	"io"
	"runtime"

	"github.com/deepnet-go/deepnet/data"
	"github.com/deepnet-go/deepnet/data/augment"
	"github.com/deepnet-go/deepnet/data/mnist"
	"github.com/deepnet-go/deepnet/internal/f32"
)

// The flags that several commands share are declared here, once each,
// with one usage string.

// dataFlag declares --data, where MNIST is read from.
func dataFlag(fs *flag.FlagSet) *string {
	return fs.String("data", "", "directory with the four MNIST IDX files (default: $DEEPNET_DATA, else the cache, fetched on first use)")
}

// loadMNIST loads MNIST from --data's directory, or finds it (see
// mnist.Locate), its files' headers checked against memoryLimit before
// any data are read.
func loadMNIST(dir string, log io.Writer) (*data.Splits, error) {
	found, err := mnist.Locate(mnist.LocateOptions{Dir: dir, Log: log})
	if err != nil {
		return nil, err
	}
	return mnist.LoadWithin(found, memoryLimit)
}

// modelFlag declares --model, the model file a command reads.
func modelFlag(fs *flag.FlagSet) *string {
	return fs.String("model", "", "the model file (written by deepnet train --out)")
}

// seedFlag declares --seed.
func seedFlag(fs *flag.FlagSet) *uint64 {
	return fs.Uint64("seed", 1, "random seed of the weights, the order of the examples, dropout and the shuffle of the expanded training set: the same seed gives the same numbers")
}

// workersFlag declares --workers; applyWorkers checks and applies it.
func workersFlag(fs *flag.FlagSet) *int {
	return fs.Int("workers", 0, fmt.Sprintf("CPU cores to use, 1 to %d (default: all); results do not depend on it", maxWorkers()))
}

// maxWorkers is the most --workers accepts: 4 per core of this machine,
// at most f32.MaxWorkers (256). More are a typo, not a wish.
func maxWorkers() int {
	return min(4*runtime.NumCPU(), f32.MaxWorkers)
}

// applyWorkers sets the number of cores the kernels use from --workers,
// when it was given, or reports why the value cannot be meant.
func applyWorkers(fs *flag.FlagSet, n int) error {
	if !given(fs, "workers") {
		return nil
	}
	if n < 1 || n > maxWorkers() {
		return fmt.Errorf("--workers %d: want 1 to %d (at most 4 per core; this machine has %d)", n, maxWorkers(), runtime.NumCPU())
	}
	f32.SetWorkers(n)
	return nil
}

// ttaUsage documents --tta.
const ttaUsage = "test-time augmentation: see each image through these views and average the probabilities: none, shifts (the image and its four one-pixel shifts), rotations (the image and its rotations by ±5°), or a list such as \"id,rotate:-5,rotate:5\" of id, shift:DY:DX, rotate:DEGREES and zoom:Z terms joined by +"

// ttaFlag declares --tta; parseTTA reads it.
func ttaFlag(fs *flag.FlagSet) *string {
	return fs.String("tta", "", ttaUsage+" (default: none; train's and ensemble's: the preset's)")
}

// parseTTA reads a --tta value; "" is none.
func parseTTA(s string) ([]augment.View, error) {
	if s == "" {
		s = "none"
	}
	views, err := augment.ParseViews(s)
	if err != nil {
		return nil, fmt.Errorf("--tta: %w", err)
	}
	return views, nil
}

// given reports whether the flag name was on the command line (with any
// value, its zero value too), as opposed to left at its default.
func given(fs *flag.FlagSet, name string) bool {
	found := false
	fs.Visit(func(f *flag.Flag) { found = found || f.Name == name })
	return found
}

// rangeCheck is one flag's accepted values: ok says whether the value the
// flag has is one of them, want describes them.
type rangeCheck struct {
	flag string
	ok   bool
	want string
}

// checkRanges returns an error naming the first flag given on the command
// line whose value is outside its range, and the range; flags left at
// their defaults are not checked.
func checkRanges(fs *flag.FlagSet, checks []rangeCheck) error {
	for _, c := range checks {
		if !c.ok && given(fs, c.flag) {
			v := fs.Lookup(c.flag).Value.String()
			if v == "" {
				v = `""`
			}
			return fmt.Errorf("--%s %s: want %s", c.flag, v, c.want)
		}
	}
	return nil
}
