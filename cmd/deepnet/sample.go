package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"math/rand/v2"

	"github.com/deepnet-go/deepnet/lm"
)

func runSample(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("sample")
	modelPath, seed, mach := modelFlag(fs), seedFlag(fs), machineFlags(fs)
	length := fs.Int("length", 500, "bytes to generate, 1 or more")
	temperature := fs.Float64("temperature", 1, "soften (above 1) or sharpen (below 1) the model's distribution of the next byte: p^(1/T), normalised; T > 0")
	prime := fs.String("prime", "", "text the model reads before it generates (default: a newline)")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: deepnet sample --model FILE [--length N] [--temperature T] [--prime TEXT] [--seed S]\n\n"+
			"Generates text from a character model (deepnet train --preset charlm --text FILE --out FILE),\n"+
			"writing each byte as it is drawn.")
		fs.PrintDefaults()
	}
	if err := parseFlags(fs, args, stderr); err != nil {
		return err
	}
	if err := checkRanges(fs, []rangeCheck{
		{"length", *length >= 1, "1 or more bytes"},
		{"temperature", *temperature > 0 && *temperature < 1e6, "a temperature above 0"},
	}); err != nil {
		return err
	}
	if err := mach.apply(); err != nil {
		return err
	}
	if *modelPath == "" {
		return fmt.Errorf("--model FILE is required")
	}
	net, _, err := loadModel(*modelPath)
	if err != nil {
		return err
	}
	s, err := lm.NewSampler(net)
	if err != nil {
		return fmt.Errorf("%s: %w", *modelPath, err)
	}
	w := bufio.NewWriter(stdout)
	err = s.Generate([]byte(*prime), *length, *temperature, rand.New(rand.NewPCG(*seed, 0)), func(b byte) error {
		if err := ctx.Err(); err != nil {
			return err
		}
		w.WriteByte(b)
		if b == '\n' || w.Buffered() >= 64 {
			return w.Flush()
		}
		return nil
	})
	if ferr := w.Flush(); err == nil {
		err = ferr
	}
	fmt.Fprintln(stdout)
	return err
}
