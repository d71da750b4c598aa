package mnist

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/deepnet-go/deepnet/data"
)

var realData struct {
	once sync.Once
	m    *data.Splits
	err  error
}

// realMNIST returns the real MNIST data, fetched with Locate's default
// options (here through the Go module proxy) into the user cache. It skips
// the test in -short mode.
func realMNIST(t *testing.T) *data.Splits {
	t.Helper()
	if testing.Short() {
		t.Skip("skipping real MNIST in -short mode")
	}
	realData.once.Do(func() {
		realData.m, realData.err = LoadDefault("", testLogWriter{t})
	})
	if realData.err != nil {
		t.Fatal(realData.err)
	}
	return realData.m
}

// testLogWriter sends Locate's progress lines to the test log.
type testLogWriter struct{ t *testing.T }

func (w testLogWriter) Write(p []byte) (int, error) {
	w.t.Log(strings.TrimSuffix(string(p), "\n"))
	return len(p), nil
}

func TestLoadReal(t *testing.T) {
	m := realMNIST(t)
	for _, c := range []struct {
		name string
		s    *data.Set
		n    int
	}{{"train", m.Train, 50000}, {"validation", m.Validation, 10000}, {"test", m.Test, 10000}} {
		if c.s.N != c.n || c.s.Rows != 28 || c.s.Cols != 28 || c.s.Check() != nil {
			t.Errorf("%s: %v, want %d images of 28×28", c.name, c.s, c.n)
		}
		for i, l := range c.s.Labels {
			if l > 9 {
				t.Fatalf("%s: label %d is %d", c.name, i, l)
			}
		}
	}
	// Known labels: the first training digit is a 5, the last a 8, the first
	// test digit a 7; the test set's class counts are well known.
	if m.Train.Labels[0] != 5 || m.Validation.Labels[9999] != 8 || m.Test.Labels[0] != 7 {
		t.Errorf("labels %d %d %d, want 5 8 7", m.Train.Labels[0], m.Validation.Labels[9999], m.Test.Labels[0])
	}
	var counts [10]int
	for _, l := range m.Test.Labels {
		counts[l]++
	}
	if counts != [10]int{980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009} {
		t.Errorf("test class counts %v", counts)
	}
}

// writeMNISTDir writes a small data set in the MNIST layout: train images and
// labels with ntrain examples (gzipped), test with ntest (uncompressed).
func writeMNISTDir(t *testing.T, dir string, ntrain, ntest int) {
	t.Helper()
	writeSet(t, dir, TrainImagesFile+".gz", TrainLabelsFile+".gz", tinySet(ntrain, 4, 4))
	writeSet(t, dir, TestImagesFile, TestLabelsFile, tinySet(ntest, 4, 4))
}

func TestLoadSmall(t *testing.T) {
	dir := t.TempDir()
	writeMNISTDir(t, dir, 12, 3)
	m, err := Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	if m.Train.N != 10 || m.Validation.N != 2 || m.Test.N != 3 {
		t.Fatalf("split %d/%d/%d, want 10/2/3", m.Train.N, m.Validation.N, m.Test.N)
	}
	if m.Validation.Labels[0] != 0 || m.Validation.Labels[1] != 1 || m.Validation.Image(1)[0] != byte(11*16) {
		t.Fatalf("validation is not the last sixth: %v", m.Validation.Labels)
	}
	// An uncompressed file wins over a gzipped one.
	writeSet(t, dir, TrainImagesFile, TrainLabelsFile, tinySet(24, 4, 4))
	if m, err = Load(dir); err != nil || m.Train.N != 20 {
		t.Fatalf("Load = %v, %v; want the 24-image uncompressed files", m, err)
	}
	// A budget: the four files hold 24·16+24+3·16+3 = 459 bytes of data.
	if _, err := LoadWithin(dir, 459); err != nil {
		t.Fatalf("LoadWithin 459 bytes: %v", err)
	}
	var se *data.SizeError
	if _, err := LoadWithin(dir, 458); !errors.As(err, &se) || se.File != filepath.Join(dir, TestLabelsFile) {
		t.Fatalf("LoadWithin 458 bytes: %v, want a *data.SizeError for the test labels", err)
	}
	// Differing image sizes between train and test, named with both files.
	writeSet(t, dir, TestImagesFile, TestLabelsFile, tinySet(3, 5, 4))
	var me *data.MismatchError
	_, err = Load(dir)
	if !errors.As(err, &me) || me.Files != [2]string{filepath.Join(dir, TrainImagesFile), filepath.Join(dir, TestImagesFile)} ||
		!strings.Contains(err.Error(), "4×4 images but") {
		t.Fatalf("Load with 5×4 test images: %v", err)
	}
	// A missing file is named.
	os.Remove(filepath.Join(dir, TestLabelsFile))
	if _, err := Load(dir); !errors.Is(err, fs.ErrNotExist) || !strings.Contains(err.Error(), TestLabelsFile) {
		t.Fatalf("Load without test labels: %v", err)
	}
}

func TestValidationSize(t *testing.T) {
	for n, want := range map[int]int{60000: 10000, 70000: 10000, 59999: 9999, 6000: 1000, 5: 0} {
		if got := ValidationSize(n); got != want {
			t.Errorf("ValidationSize(%d) = %d, want %d", n, got, want)
		}
	}
	dir := t.TempDir()
	writeMNISTDir(t, dir, 5, 3)
	if _, err := Load(dir); err == nil || !strings.Contains(err.Error(), "too few") {
		t.Fatalf("Load with 5 training images: %v", err)
	}
}
