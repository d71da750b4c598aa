package data

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// The canonical MNIST file names, without the optional ".gz".
const (
	TrainImagesFile = "train-images-idx3-ubyte"
	TrainLabelsFile = "train-labels-idx1-ubyte"
	TestImagesFile  = "t10k-images-idx3-ubyte"
	TestLabelsFile  = "t10k-labels-idx1-ubyte"
)

// MNISTFiles lists the four canonical file names in the order train images,
// train labels, test images, test labels.
var MNISTFiles = [4]string{TrainImagesFile, TrainLabelsFile, TestImagesFile, TestLabelsFile}

// Splits is a data set split three ways: examples to train on, examples to
// choose hyper-parameters and epochs on, and examples to report the result
// on. LoadMNIST fills it as network3.py splits MNIST: the first 50,000
// training images, the last 10,000 of them, and the 10,000 test images.
type Splits struct {
	Train, Validation, Test *Set
}

// ValidationSize returns how many of n training-file images LoadMNIST holds
// out for validation: 10,000 when n ≥ 60,000 (MNIST's 50k/10k split), else
// n/6, the same proportion, for smaller IDX data sets in the MNIST layout.
func ValidationSize(n int) int {
	if n >= 60000 {
		return 10000
	}
	return n / 6
}

// findFile returns dir/name, or dir/name.gz when only that exists.
func findFile(dir, name string) (string, error) {
	p := filepath.Join(dir, name)
	if st, err := os.Stat(p); err == nil && st.Mode().IsRegular() {
		return p, nil
	}
	if st, err := os.Stat(p + ".gz"); err == nil && st.Mode().IsRegular() {
		return p + ".gz", nil
	}
	return "", fmt.Errorf("data: %s: neither %s nor %s.gz: %w", dir, name, name, fs.ErrNotExist)
}

// checkMNISTDir returns an error naming every canonical file missing from dir.
func checkMNISTDir(dir string) error {
	var missing []string
	for _, name := range MNISTFiles {
		if _, err := findFile(dir, name); err != nil {
			missing = append(missing, name+"[.gz]")
		}
	}
	if len(missing) > 0 {
		return fmt.Errorf("%s lacks %s: %w", dir, strings.Join(missing, ", "), fs.ErrNotExist)
	}
	return nil
}

// LoadMNIST loads the four canonical MNIST files (each optionally gzipped;
// the uncompressed one wins when both exist) from dir and splits them as
// network3.py does: the training file's last ValidationSize(n) images become
// Validation, the rest Train; the test file is Test. Train and Validation
// share memory with one slice each of images and labels.
func LoadMNIST(dir string) (*Splits, error) {
	var paths [4]string
	for i, name := range MNISTFiles {
		p, err := findFile(dir, name)
		if err != nil {
			return nil, err
		}
		paths[i] = p
	}
	train, err := LoadSet(paths[0], paths[1])
	if err != nil {
		return nil, err
	}
	test, err := LoadSet(paths[2], paths[3])
	if err != nil {
		return nil, err
	}
	if test.Rows != train.Rows || test.Cols != train.Cols {
		return nil, fmt.Errorf("data: %s has %d×%d images but %s has %d×%d", paths[0], train.Rows, train.Cols, paths[2], test.Rows, test.Cols)
	}
	nv := ValidationSize(train.N)
	if train.N-nv < 1 || nv < 1 {
		return nil, fmt.Errorf("data: %s holds %d images, too few to split into training and validation", paths[0], train.N)
	}
	return &Splits{
		Train:      train.Slice(0, train.N-nv),
		Validation: train.Slice(train.N-nv, train.N),
		Test:       test,
	}, nil
}

// LoadDefault locates MNIST (see Locate; dir is LocateOptions.Dir, "" for the
// environment, cache and network) and loads it with LoadMNIST. Progress
// messages go to log when it is not nil.
func LoadDefault(dir string, log io.Writer) (*Splits, error) {
	d, err := Locate(LocateOptions{Dir: dir, Log: log})
	if err != nil {
		return nil, err
	}
	m, err := LoadMNIST(d)
	if err != nil && errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("data: MNIST vanished from %s: %w", d, err)
	}
	return m, err
}
