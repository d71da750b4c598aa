package main

import (
	"context"
	"fmt"
	"hash/fnv"
	"io"
	"os"
	"path/filepath"

	"github.com/deepnet-go/deepnet/data"
	"github.com/deepnet-go/deepnet/data/augment"
	"github.com/deepnet-go/deepnet/data/mnist"
)

// Expanded training files, beside MNIST's in an --out directory.
const (
	expandedImages = "expanded-images-idx3-ubyte.gz"
	expandedLabels = "expanded-labels-idx1-ubyte.gz"
)

func runExpand(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("expand")
	var outs outputs
	dir, seed := dataFlag(fs), seedFlag(fs)
	out := outs.dir(fs, "out", "directory to write the expanded set into (default: the MNIST cache directory)")
	if err := parseFlags(fs, args, stderr); err != nil {
		return err
	}
	if err := outs.check(); err != nil {
		return err
	}
	d, err := loadMNIST(*dir, stderr)
	if err != nil {
		return err
	}
	if *out == "" {
		if *out, err = expandedDir(d.Train, *seed); err != nil {
			return err
		}
	}
	set, err := writeExpanded(*out, d.Train, *seed)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "wrote %d images and labels to %s\n", set.N, filepath.Join(*out, expandedImages))
	return nil
}

// expandedDir is where presets look for (and make) the expanded set of
// train for seed: a cache directory named by a hash of the images.
func expandedDir(train *data.Set, seed uint64) (string, error) {
	cache, err := mnist.DefaultCacheDir()
	if err != nil {
		return "", err
	}
	h := fnv.New64a()
	h.Write(train.Images)
	h.Write(train.Labels)
	return filepath.Join(cache, "expanded", fmt.Sprintf("n%d-%x-seed%d", train.N, h.Sum64(), seed)), nil
}

// writeExpanded expands train as expand_mnist.py and writes it to dir.
func writeExpanded(dir string, train *data.Set, seed uint64) (*data.Set, error) {
	set := augment.Expand(train, seed)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	imgs := &data.IDX{Type: 0x08, Dims: []int{set.N, set.Rows, set.Cols}, Data: set.Images}
	labs := &data.IDX{Type: 0x08, Dims: []int{set.N}, Data: set.Labels}
	if err := data.WriteIDXFile(filepath.Join(dir, expandedImages), imgs); err != nil {
		return nil, err
	}
	if err := data.WriteIDXFile(filepath.Join(dir, expandedLabels), labs); err != nil {
		return nil, err
	}
	return set, nil
}

// loadExpanded returns the expanded training set of train for seed: read
// from the cache when it was written before from the same 50,000 images
// and seed, made and written otherwise.
func loadExpanded(train *data.Set, seed uint64, log io.Writer) (*data.Set, error) {
	dir, err := expandedDir(train, seed)
	if err != nil {
		return augment.Expand(train, seed), nil
	}
	if set, err := data.LoadSet(filepath.Join(dir, expandedImages), filepath.Join(dir, expandedLabels)); err == nil && set.N == 5*train.N {
		return set, nil
	}
	fmt.Fprintf(log, "expanding the training set (each image and its four one-pixel shifts) into %s\n", dir)
	return writeExpanded(dir, train, seed)
}
