package train_test

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/deepnet-go/deepnet/data/mnist"
	"github.com/deepnet-go/deepnet/model"
	"github.com/deepnet-go/deepnet/nn"
	"github.com/deepnet-go/deepnet/train"
)

// Example_readme is the code of the README's Library section, compiled
// (it trains for minutes, so it has no output to check).
func Example_readme() {
	trainRelu := func(ctx context.Context) error {
		spec, err := nn.ParseSpec("conv:20x5x5 maxpool:2 relu fc:100:relu softmax:10")
		if err != nil {
			return err // a *nn.SpecError: which layer, where, why
		}
		net, err := nn.New(nn.Config{Spec: spec, In: nn.Shape{C: 1, H: 28, W: 28}, MaxBatch: 100, Seed: 1})
		if err != nil {
			return err // a layer that does not fit its input, or an *nn.MemoryError
		}
		splits, err := mnist.LoadDefault("", os.Stderr) // fetches MNIST on first use
		if err != nil {
			return err
		}
		cfg := train.Config{Epochs: 4, Batch: 10, Eta: 0.03, Lambda: 0.1, Seed: 1, KeepBest: true}
		res, err := train.Run(ctx, net, splits, cfg)
		if err != nil {
			return err // e.g. a *train.DivergedError: the epoch, mini-batch and η where the cost stopped being finite
		}
		fmt.Printf("test accuracy %.2f%% at epoch %d\n", 100*res.TestAtBest, res.BestEpoch+1)
		return model.Save("relu.safetensors", net, model.Info{Epochs: cfg.Epochs})
	}
	_ = trainRelu
}

// TestReadmeIsTheExample: every line of the README's Library code is a
// line of Example_readme, in the same order, so that the README's code
// compiles.
func TestReadmeIsTheExample(t *testing.T) {
	readme, err := os.ReadFile("../README.md")
	if err != nil {
		t.Fatal(err)
	}
	_, section, _ := strings.Cut(string(readme), "\n## Library\n")
	var code []string
	sc := bufio.NewScanner(strings.NewReader(section))
	for sc.Scan() {
		line := sc.Text()
		if rest, ok := strings.CutPrefix(line, "    "); ok {
			code = append(code, strings.TrimSpace(rest))
		} else if len(code) > 0 && line != "" {
			break
		}
	}
	src, err := os.ReadFile("readme_test.go")
	if err != nil {
		t.Fatal(err)
	}
	var example []string
	for _, l := range strings.Split(string(src), "\n") {
		example = append(example, strings.TrimSpace(l))
	}
	if len(code) < 10 {
		t.Fatalf("found %d lines of code in the README's Library section", len(code))
	}
	at := 0
	for _, line := range code {
		line = strings.Replace(line, "func trainRelu(ctx context.Context) error {", "trainRelu := func(ctx context.Context) error {", 1)
		for at < len(example) && example[at] != line {
			at++
		}
		if at == len(example) {
			t.Fatalf("the README's line %q is not in Example_readme (in order)", line)
		}
	}
}
