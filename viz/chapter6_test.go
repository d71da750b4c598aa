package viz_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/deepnet-go/deepnet/data/augment"
	"github.com/deepnet-go/deepnet/data/mnist"
	"github.com/deepnet-go/deepnet/tensor"
	"github.com/deepnet-go/deepnet/viz"
)

// TestChapter6Pictures draws the pictures of docs/CHAPTER6.md that no
// command draws, into the directory $DEEPNET_CHAPTER6 names:
//
//	DEEPNET_CHAPTER6=$PWD/docs/chapter6 go test ./viz -run Chapter6 -v
//
// (an absolute path: the test runs in viz/). Without it the test skips
// (it needs MNIST, which it fetches on first use as every command does).
// The walkthrough shows its code (nn/chapter6_test.go checks that it is
// this code).
func TestChapter6Pictures(t *testing.T) {
	dir := os.Getenv("DEEPNET_CHAPTER6")
	if dir == "" {
		t.Skip("set DEEPNET_CHAPTER6=DIR to draw docs/CHAPTER6.md's pictures into DIR")
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := expandedPicture(dir); err != nil {
		t.Fatal(err)
	}
	t.Logf("wrote %s", filepath.Join(dir, "expanded.png"))
}

// expandedPicture draws the first training image and its four one-pixel
// shifts, as network3's expand_mnist.py makes them (deepnet expand).
func expandedPicture(dir string) error {
	splits, err := mnist.LoadDefault("", os.Stderr) // MNIST: the cache, or fetched
	if err != nil {
		return err
	}
	digit := splits.Train.Image(0) // 28×28 bytes, 0 background, 255 ink
	// Five 28×28 "kernels" for viz.Kernels: the digit, then its shifts.
	w := tensor.New(5, 1, 28, 28)
	for i, v := range digit {
		w.Data[i] = float32(v)
	}
	shifted := make([]uint8, 28*28)
	for k, s := range augment.ExpandShifts { // down, up, right, left
		augment.Shift(shifted, digit, 28, 28, s[0], s[1])
		for i, v := range shifted {
			w.Data[(k+1)*28*28+i] = float32(v)
		}
	}
	return viz.WritePNG(filepath.Join(dir, "expanded.png"), viz.Kernels(w, 3))
}
