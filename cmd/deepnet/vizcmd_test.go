package main

import (
	"image"
	_ "image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// checkPNG decodes the PNG file at path and checks that it is at least
// minW×minH pixels and not absurdly large.
func checkPNG(t *testing.T, path string, minW, minH int) image.Image {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	img, format, err := image.Decode(f)
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	b := img.Bounds()
	if format != "png" || b.Dx() < minW || b.Dy() < minH || b.Dx() > 4000 || b.Dy() > 4000 {
		t.Errorf("%s: %s of %d×%d pixels, want a PNG of at least %d×%d", path, format, b.Dx(), b.Dy(), minW, minH)
	}
	return img
}

func TestViz(t *testing.T) {
	dir := mnistDir(t)
	// Two convolutional layers, layers 1 and 4 of the spec; one epoch
	// on 2,000 images is enough for pictures.
	path := filepath.Join(t.TempDir(), "two-conv.safetensors")
	code, out, errOut := deepnet(t, "train", "--net", "conv:6x5x5 maxpool:2 relu conv:4x3x3 maxpool:2 relu fc:20:relu softmax:10",
		"--epochs", "1", "--train-limit", "2000", "--data", dir, "--out", path)
	if code != 0 {
		t.Fatalf("train: exit %d\n%s\n%s", code, out, errOut)
	}
	outDir := filepath.Join(t.TempDir(), "pictures")
	code, out, errOut = deepnet(t, "viz", "--model", path, "--out", outDir, "--data", dir, "--image", "7")
	if code != 0 {
		t.Fatalf("viz: exit %d\n%s\n%s", code, out, errOut)
	}
	want := []struct {
		name       string
		minW, minH int
	}{
		// 6 kernels of 5×5 at 8 pixels a weight in one row.
		{"kernels-1.png", 6 * 40, 40},
		// 4 rows (maps) of 6 kernels (input channels) of 3×3 at 8 pixels.
		{"kernels-4.png", 6 * 24, 4 * 24},
		// The input, three rows of 6 maps, two of 4, and the probabilities.
		{"features.png", 6 * 24, 6 * 12},
		{"misclassified.png", 10 * 56, 56},
		{"confusion.png", 10 * 20, 10 * 20},
	}
	for _, w := range want {
		p := filepath.Join(outDir, w.name)
		if !strings.Contains(out, "wrote "+p+"\n") {
			t.Errorf("output does not list %s:\n%s", p, out)
		}
		checkPNG(t, p, w.minW, w.minH)
	}
	if entries, _ := os.ReadDir(outDir); len(entries) != len(want) {
		t.Errorf("%s holds %d files, want %d", outDir, len(entries), len(want))
	}

	// The feature maps of a picture file instead of a test image.
	digit := filepath.Join(t.TempDir(), "digit.png")
	d := mustLoadMNIST(t, dir)
	writePNGFile(t, digit, renderDigit(d.Test.Image(0), 60, 60, 2, 2, 2, true, true))
	outDir2 := filepath.Join(t.TempDir(), "pictures")
	code, out, errOut = deepnet(t, "viz", "--model", path, "--out", outDir2, "--data", dir, "--file", digit)
	if code != 0 {
		t.Fatalf("viz --file: exit %d\n%s\n%s", code, out, errOut)
	}
	checkPNG(t, filepath.Join(outDir2, "features.png"), 6*24, 6*12)

	code, _, errOut = deepnet(t, "viz", "--model", path, "--out", outDir2, "--data", dir, "--image", "10000")
	if code != 1 || !strings.Contains(errOut, "--image 10000") {
		t.Errorf("--image 10000: exit %d, stderr %q", code, errOut)
	}
}
