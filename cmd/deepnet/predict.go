package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"

	"github.com/deepnet-go/deepnet/imageprep"
	"github.com/deepnet-go/deepnet/model"
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
	modelPath := fs.String("model", "", "the model file (written by deepnet train --out)")
	asJSON := fs.Bool("json", false, `print one JSON object per image: {"file", "digit", "p", "probabilities"}`)
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: deepnet predict --model FILE [--json] IMAGE...\n\n"+
			"Reads each PNG, JPEG or GIF image of a digit (any size; dark on light or light on dark),\n"+
			"prepares it as MNIST's digits were made, and prints the network's digit and probabilities.")
		fs.PrintDefaults()
	}
	files, err := parseFlagsAndArgs(fs, args, stderr)
	if err != nil {
		return err
	}
	if *modelPath == "" {
		return fmt.Errorf("--model FILE is required")
	}
	if len(files) == 0 {
		return errors.New("no images given (usage: deepnet predict --model FILE IMAGE [IMAGE ...])")
	}
	net, _, err := model.LoadWith(*modelPath, model.Options{MaxBatch: 1})
	if err != nil {
		return err
	}
	if in := net.In; in.C != 1 || in.H != imageprep.Size || in.W != imageprep.Size {
		return fmt.Errorf("%s: the network takes %s inputs, not 1x%dx%d images", *modelPath, in, imageprep.Size, imageprep.Size)
	}
	enc := json.NewEncoder(stdout)
	var failed []error
	x := make([]float32, net.In.Size())
	for _, path := range files {
		if err := ctx.Err(); err != nil {
			return err
		}
		p, err := predictFile(net, path, x)
		if err != nil {
			if len(files) == 1 {
				return err
			}
			fmt.Fprintf(stderr, "deepnet predict: %v\n", err)
			failed = append(failed, err)
			continue
		}
		if *asJSON {
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

// predictFile prepares the image file at path as an MNIST digit and runs
// it through net, using x as the input buffer.
func predictFile(net *nn.Network, path string, x []float32) (*prediction, error) {
	pix, err := imageprep.DecodeFile(path)
	if err != nil {
		if !strings.Contains(err.Error(), path) {
			err = fmt.Errorf("%s: %w", path, err)
		}
		return nil, err
	}
	for i, v := range pix {
		x[i] = float32(v) / 255
	}
	probs := append([]float32(nil), net.Forward(x, 1, false)...)
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
