package main

import (
	"context"
	"flag"
	"fmt"
	"image"
	"io"
	"os"
	"path/filepath"

	"github.com/deepnet-go/deepnet/imageprep"
	"github.com/deepnet-go/deepnet/nn"
	"github.com/deepnet-go/deepnet/tensor"
	"github.com/deepnet-go/deepnet/viz"
)

func runViz(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("viz")
	modelPath := fs.String("model", "", "the model file to draw (written by deepnet train --out)")
	out := fs.String("out", "", "directory to write the pictures into (created if missing)")
	index := fs.Int("image", 0, "draw the feature maps of this test image (0-based)")
	file := fs.String("file", "", "draw the feature maps of this PNG, JPEG or GIF image of a digit instead of a test image")
	dataDir := fs.String("data", "", "directory with the four MNIST IDX files (default: $DEEPNET_DATA, else the cache, fetched on first use)")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: deepnet viz --model FILE --out DIR [--image N | --file IMAGE] [--data DIR]\n\n"+
			"Writes DIR/kernels-L.png for each convolutional layer L (numbered from 1 in the order\n"+
			"of the spec, as features.png numbers layers), DIR/features.png, DIR/misclassified.png\n"+
			"and DIR/confusion.png, and prints their paths.")
		fs.PrintDefaults()
	}
	if err := parseFlags(fs, args, stderr); err != nil {
		return err
	}
	if *out == "" {
		return fmt.Errorf("--out DIR is required")
	}
	imageSet := false
	fs.Visit(func(f *flag.Flag) { imageSet = imageSet || f.Name == "image" })
	if imageSet && *file != "" {
		return fmt.Errorf("--image and --file exclude each other")
	}
	net, _, d, err := loadModelAndData(*modelPath, *dataDir, stderr)
	if err != nil {
		return err
	}
	x := make([]float32, net.In.Size())
	if *file != "" {
		pix, err := imageprep.DecodeFile(*file)
		if err != nil {
			return err
		}
		for i, v := range pix {
			x[i] = float32(v) / 255
		}
	} else {
		if *index < 0 || *index >= d.Test.N {
			return fmt.Errorf("--image %d: the test set has images 0 to %d", *index, d.Test.N-1)
		}
		for i, v := range d.Test.Image(*index) {
			x[i] = float32(v) / 255
		}
	}
	if err := os.MkdirAll(*out, 0o755); err != nil {
		return err
	}
	write := func(name string, img image.Image) error {
		path := filepath.Join(*out, name)
		if err := viz.WritePNG(path, img); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "wrote %s\n", path)
		return nil
	}
	// Layers are numbered from 1 in the order of the spec, as features.png
	// labels them (layer L's weights are the tensor "L-1.weight" of the
	// model file).
	for i, l := range net.Layers {
		w := kernels(l)
		if w == nil {
			continue
		}
		// A kernel of a one-channel layer is about 40 pixels wide (a 5×5
		// kernel at 8 pixels a weight); with several channels, where each
		// feature map is a row of C kernels, about 24.
		side := 40
		if w.Shape[1] > 1 {
			side = 24
		}
		scale := max(2, (side+w.Shape[3]-1)/w.Shape[3])
		if err := write(fmt.Sprintf("kernels-%d.png", i+1), viz.Kernels(w, scale)); err != nil {
			return err
		}
	}
	features, err := viz.FeatureMaps(net, x)
	if err != nil {
		return err
	}
	if err := write("features.png", features); err != nil {
		return err
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	r := evaluate(net, d.Test, nil)
	if err := write("misclassified.png", r.misclassified(d.Test, misclassifiedLimit)); err != nil {
		return err
	}
	if err := write("confusion.png", viz.Confusion(r.confusion)); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "test accuracy %.2f%%  (%d of %d correct)\n", 100*r.accuracy(), r.correct, r.n)
	return nil
}

// kernels returns the weights of a layer of local receptive fields: its
// first regularised parameter when it is [F][C][KH][KW], else nil.
func kernels(l nn.Layer) *tensor.Tensor {
	for _, p := range l.Params() {
		if p.Decay {
			if len(p.Value.Shape) == 4 {
				return p.Value
			}
			return nil
		}
	}
	return nil
}
