package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/deepnet-go/deepnet/data"
	"github.com/deepnet-go/deepnet/data/augment"
	"github.com/deepnet-go/deepnet/imageprep"
	"github.com/deepnet-go/deepnet/nn"
)

// prediction is one line of deepnet predict --json.
type prediction struct {
	File          string    `json:"file"`
	Digit         int       `json:"digit"`
	P             float32   `json:"p"`
	Probabilities []float32 `json:"probabilities"`
}

func runPredict(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("predict")
	modelPath, tta, mach := modelFlag(fs), ttaFlag(fs), machineFlags(fs)
	asJSON := fs.Bool("json", false, `print one JSON object per image: {"file", "digit", "p", "probabilities"}`)
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: deepnet predict --model FILE [--json] [--tta VIEWS] IMAGE...\n\n"+
			"Reads each PNG, JPEG or GIF image of a digit (any size; dark on light or light on dark),\n"+
			"prepares it as MNIST's digits were made, and prints the network's digit and probabilities.")
		fs.PrintDefaults()
	}
	files, err := parseFlagsAndArgs(fs, args, stderr)
	if err != nil {
		return err
	}
	if len(files) == 0 {
		return errors.New("no images given (usage: deepnet predict --model FILE IMAGE [IMAGE ...])")
	}
	views, err := parseTTA(*tta)
	if err != nil {
		return err
	}
	if err := mach.apply(); err != nil {
		return err
	}
	net, _, err := loadClassifier(*modelPath, 1)
	if err != nil {
		return err
	}
	if err := net.CheckImages(imageprep.Size, imageprep.Size); err != nil {
		return fmt.Errorf("%s: %w", *modelPath, err)
	}
	return predictFiles(ctx, newPredictor(net, views), files, *asJSON, stdout, stderr)
}

// predictFiles classifies each image file and prints the result, as text
// or, with asJSON, as one JSON object a line. A file that cannot be read
// is reported on stderr and the others are classified; the error then
// counts them (a lone file's error is returned as it is).
func predictFiles(ctx context.Context, pr *predictor, files []string, asJSON bool, stdout, stderr io.Writer) error {
	enc := json.NewEncoder(stdout)
	var failed []error
	for _, path := range files {
		if err := ctx.Err(); err != nil {
			return err
		}
		p, err := pr.file(path)
		if err != nil {
			if len(files) == 1 {
				return err
			}
			fmt.Fprintf(stderr, "deepnet predict: %v\n", err)
			failed = append(failed, err)
			continue
		}
		if asJSON {
			if err := enc.Encode(p); err != nil {
				return err
			}
			continue
		}
		fmt.Fprintf(stdout, "%s: %d  (p=%.3f)\n", p.File, p.Digit, p.P)
		var b strings.Builder
		for k, q := range p.Probabilities {
			fmt.Fprintf(&b, "  %d:%.3f", k, q)
		}
		fmt.Fprintln(stdout, b.String())
	}
	if len(failed) > 0 {
		return fmt.Errorf("%d of %d images could not be read", len(failed), len(files))
	}
	return nil
}

// predictor classifies image files with a network built for a batch of
// len(views), seeing each image through views.
type predictor struct {
	net   *nn.Network
	views []augment.View
	x     []float32 // one view's input
	img   []uint8   // one view's pixels
	idx   []int     // the one image of a set
}

func newPredictor(net *nn.Network, views []augment.View) *predictor {
	n := net.In.Size()
	return &predictor{net: net, views: views, x: make([]float32, n), img: make([]uint8, n), idx: []int{0}}
}

// file prepares the image file at path as an MNIST digit and runs it
// through the network once per view, averaging the probabilities.
func (pr *predictor) file(path string) (*prediction, error) {
	if st, err := os.Stat(path); err == nil && st.IsDir() {
		return nil, fmt.Errorf("%s: is a directory, not an image file", path)
	}
	pix, err := imageprep.DecodeFile(path)
	if err != nil {
		if !strings.Contains(err.Error(), path) {
			err = fmt.Errorf("%s: %w", path, err)
		}
		return nil, err
	}
	k := pr.net.Classes()
	one := &data.Set{Images: pix, Labels: []uint8{0}, N: 1, Rows: imageprep.Size, Cols: imageprep.Size}
	forward := func(x []float32, n int) []float32 { return pr.net.Forward(x, n, false) }
	probs := augment.MeanOverViews(make([]float32, k), k, pr.views, one, pr.idx, pr.x, pr.img, forward)
	digit := nn.Argmax(probs)
	return &prediction{File: path, Digit: digit, P: probs[digit], Probabilities: probs}, nil
}

// parseFlagsAndArgs parses args with fs, allowing flags before, between
// and after the positional arguments (all after "--" are positional),
// and returns the positional ones.
func parseFlagsAndArgs(fs *flag.FlagSet, args []string, stderr io.Writer) ([]string, error) {
	fs.SetOutput(stderr)
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				return nil, err
			}
			return nil, errUsage
		}
		rest := fs.Args()
		if used := len(args) - len(rest); used > 0 && args[used-1] == "--" {
			return append(pos, rest...), nil
		}
		if len(rest) == 0 {
			return pos, nil
		}
		pos, args = append(pos, rest[0]), rest[1:]
	}
}
