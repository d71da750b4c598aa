package mnist

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/deepnet-go/deepnet/data"
)

// The canonical MNIST file names, without the optional ".gz".
const (
	TrainImagesFile = "train-images-idx3-ubyte"
	TrainLabelsFile = "train-labels-idx1-ubyte"
	TestImagesFile  = "t10k-images-idx3-ubyte"
	TestLabelsFile  = "t10k-labels-idx1-ubyte"
)

// Files lists the four canonical file names in the order train images,
// train labels, test images, test labels.
var Files = [4]string{TrainImagesFile, TrainLabelsFile, TestImagesFile, TestLabelsFile}

// ValidationSize returns how many of n training-file images Load holds
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
	return "", fmt.Errorf("mnist: %s: neither %s nor %s.gz: %w", dir, name, name, fs.ErrNotExist)
}

// checkDir returns an error naming every canonical file missing from dir.
func checkDir(dir string) error {
	var missing []string
	for _, name := range Files {
		if _, err := findFile(dir, name); err != nil {
			missing = append(missing, name+"[.gz]")
		}
	}
	if len(missing) > 0 {
		return fmt.Errorf("%s lacks %s: %w", dir, strings.Join(missing, ", "), fs.ErrNotExist)
	}
	return nil
}

// Load loads the four canonical MNIST files (each optionally gzipped;
// the uncompressed one wins when both exist) from dir and splits them as
// network3.py does: the training file's last ValidationSize(n) images become
// Validation, the rest Train; the test file is Test. Train and Validation
// share memory with one slice each of images and labels. The files' headers
// are checked before their data are read, within data.DefaultMaxBytes (see
// LoadWithin).
func Load(dir string) (*data.Splits, error) {
	return LoadWithin(dir, data.DefaultMaxBytes)
}

// LoadWithin is Load with a budget: before reading any data it checks, from
// the four files' headers, that images and labels agree in number, that
// training and test images have the same size (else *data.MismatchError)
// and that the four files claim at most maxBytes of data in all (else
// *data.SizeError; maxBytes ≤ 0 means data.DefaultMaxBytes).
func LoadWithin(dir string, maxBytes int64) (*data.Splits, error) {
	var paths [4]string
	for i, name := range Files {
		p, err := findFile(dir, name)
		if err != nil {
			return nil, err
		}
		paths[i] = p
	}
	sets, err := data.LoadSets(maxBytes, data.SetFiles{Images: paths[0], Labels: paths[1]}, data.SetFiles{Images: paths[2], Labels: paths[3]})
	if err != nil {
		return nil, err
	}
	train, test := sets[0], sets[1]
	nv := ValidationSize(train.N)
	if train.N-nv < 1 || nv < 1 {
		return nil, fmt.Errorf("mnist: %s holds %d images, too few to split into training and validation", paths[0], train.N)
	}
	return &data.Splits{
		Train:      train.Slice(0, train.N-nv),
		Validation: train.Slice(train.N-nv, train.N),
		Test:       test,
	}, nil
}

// LoadDefault locates MNIST (see Locate; dir is LocateOptions.Dir, "" for the
// environment, cache and network) and loads it with Load. Progress
// messages go to log when it is not nil.
func LoadDefault(dir string, log io.Writer) (*data.Splits, error) {
	d, err := Locate(LocateOptions{Dir: dir, Log: log})
	if err != nil {
		return nil, err
	}
	m, err := Load(d)
	if err != nil && errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("mnist: MNIST vanished from %s: %w", d, err)
	}
	return m, err
}
