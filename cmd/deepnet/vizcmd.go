package main

import (
	"context"
	"flag"
	"fmt"
	"image"
	"io"
	"os"
	"path/filepath"

	"github.com/deepnet-go/deepnet/data"
	"github.com/deepnet-go/deepnet/imageprep"
	"github.com/deepnet-go/deepnet/nn"
	"github.com/deepnet-go/deepnet/tensor"
	"github.com/deepnet-go/deepnet/viz"
)

func runViz(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("viz")
	var outs outputs
	modelPath, dataDir, mach := modelFlag(fs), dataFlag(fs), machineFlags(fs)
	out := outs.dir(fs, "out", "directory to write the pictures into (created if missing)")
	index := fs.Int("image", 0, "draw the feature maps of this test image (0-based)")
	file := fs.String("file", "", "draw the feature maps of this PNG, JPEG or GIF image of a digit instead of a test image")
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
	if err := checkVizFlags(fs, *out, *file, *index); err != nil {
		return err
	}
	if err := mach.apply(); err != nil {
		return err
	}
	if err := outs.check(); err != nil {
		return err
	}
	net, _, d, err := loadModelAndData(*modelPath, *dataDir, stderr)
	if err != nil {
		return err
	}
	x, err := vizInput(net, d, *file, *index)
	if err != nil {
		return err
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
	if err := drawNetwork(net, x, write); err != nil {
		return err
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	r, err := drawTestSet(net, d.Test, write)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "test accuracy %.2f%%  (%d of %d correct)\n", 100*r.accuracy(), r.correct, r.n)
	return nil
}

// checkVizFlags checks that --out is given, and --image or --file with a
// usable value.
func checkVizFlags(fs *flag.FlagSet, out, file string, index int) error {
	if out == "" {
		return fmt.Errorf("--out DIR is required")
	}
	if given(fs, "image") && file != "" {
		return fmt.Errorf("--image and --file exclude each other")
	}
	return checkRanges(fs, []rangeCheck{{"image", index >= 0, "the index of a test image, 0 or more"}})
}

// drawTestSet classifies the test set and writes its misclassified digits
// and confusion matrix.
func drawTestSet(net *nn.Network, test *data.Set, write func(string, image.Image) error) (*evaluation, error) {
	r := evaluate(net, test, nil)
	if err := write("misclassified.png", r.misclassified(test, misclassifiedLimit)); err != nil {
		return nil, err
	}
	return r, write("confusion.png", viz.Confusion(r.confusion))
}

// vizInput returns the network's input for the feature maps: the image
// file, if given, else test image index.
func vizInput(net *nn.Network, d *data.Splits, file string, index int) ([]float32, error) {
	x := make([]float32, net.In.Size())
	if file != "" {
		pix, err := imageprep.DecodeFile(file)
		if err != nil {
			return nil, err
		}
		for i, v := range pix {
			x[i] = float32(v) / 255
		}
		return x, nil
	}
	if index >= d.Test.N {
		return nil, fmt.Errorf("--image %d: the test set has images 0 to %d", index, d.Test.N-1)
	}
	for i, v := range d.Test.Image(index) {
		x[i] = float32(v) / 255
	}
	return x, nil
}

// drawNetwork writes each convolutional layer's kernels and the feature
// maps of input x.
func drawNetwork(net *nn.Network, x []float32, write func(string, image.Image) error) error {
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
	return write("features.png", features)
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
