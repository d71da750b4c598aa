// Command deepnet trains and uses the convolutional networks of Chapter 6 of
// Nielsen's "Neural Networks and Deep Learning" on MNIST.
//
//	deepnet train [--preset NAME | --net SPEC] [flags]
//	deepnet bench --preset NAME --batch B --images N
//
// Run "deepnet help" or "deepnet CMD -h" for the flags.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
)

// command is one subcommand: its name, a line of help, and its entry point.
type command struct {
	name, about string
	run         func(ctx context.Context, args []string, stdout, stderr io.Writer) error
}

var commands = []command{
	{"train", "train a network on MNIST (a preset of the book's table or --net SPEC)", runTrain},
	{"expand", "write the expanded training set (each image and its four one-pixel shifts) as IDX files", runExpand},
	{"ensemble", "train several networks (or load saved ones) and report each one's and their vote's test accuracy", runEnsemble},
	{"sweep", "run many trainings (settings × seeds) here, as a Slurm array job or a Kubernetes Indexed Job; report them", runSweep},
	{"eval", "report a saved model's test accuracy, per-digit accuracy and confusion matrix", runEval},
	{"predict", "classify image files (PNG, JPEG, GIF) of handwritten digits with a saved model", runPredict},
	{"sample", "generate text from a character model, streaming each byte as it is drawn", runSample},
	{"serve", "serve a page to draw digits on and watch each layer of a saved model see them, and its JSON API", runServe},
	{"viz", "draw a saved model's kernels, feature maps, misclassified digits and confusion matrix", runViz},
	{"bench", "measure training speed in images per second", runBench},
	{"gradients", "measure how the gradient vanishes back through time steps and layers early in training", runGradients},
	{"presets", "list the presets and their settings", runPresets},
	{"rbm", "train a restricted Boltzmann machine on MNIST by contrastive divergence (CD-k or PCD)", runRBM},
	{"dbn", "train a deep belief net on MNIST greedily, an RBM at a time (784-500-500-2000 with the labels by default)", runDBN},
	{"loglik", "measure an RBM's log-likelihood of the test images in nats, by annealed importance sampling", runLoglik},
	{"generate", "draw an RBM's or a deep belief net's filters, samples, a Gibbs chain (GIF) and reconstructions", runGenerate},
	{"export", "write a saved model as an ONNX file (--onnx OUT.onnx), for ONNX Runtime, PyTorch and other ONNX tools", runExport},
	{"import", "read an ONNX file (a chain of conv, pooling, dense, activations, batchnorm, dropout, softmax, RNN/LSTM/GRU) into a model file", runImport},
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	os.Exit(run(ctx, os.Args[1:], os.Stdout, os.Stderr))
}

// run executes one command line and returns the process's exit status.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 || args[0] == "help" || args[0] == "-h" || args[0] == "--help" {
		usage(stderr)
		if len(args) == 0 {
			return 2
		}
		return 0
	}
	for _, c := range commands {
		if c.name == args[0] {
			err := c.run(ctx, args[1:], stdout, stderr)
			switch {
			case err == nil:
				return 0
			case errors.Is(err, flag.ErrHelp):
				return 0
			case errors.Is(err, errUsage):
				return 2
			}
			fmt.Fprintf(stderr, "deepnet %s: %v\n", c.name, withHint(err))
			return 1
		}
	}
	fmt.Fprintf(stderr, "deepnet: unknown command %q\n", args[0])
	usage(stderr)
	return 2
}

// errUsage reports a bad command line whose message was already printed.
var errUsage = errors.New("usage")

func usage(w io.Writer) {
	fmt.Fprintln(w, "usage: deepnet COMMAND [flags]\n\ncommands:")
	for _, c := range commands {
		fmt.Fprintf(w, "  %-9s %s\n", c.name, c.about)
	}
	fmt.Fprintln(w, "\nRun deepnet COMMAND -h for a command's flags.")
}

// parseFlags parses args with fs, printing errors and help to stderr.
func parseFlags(fs *flag.FlagSet, args []string, stderr io.Writer) error {
	fs.SetOutput(stderr)
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return err
		}
		return errUsage
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "unexpected arguments: %v\n", fs.Args())
		fs.Usage()
		return errUsage
	}
	return nil
}

// newFlagSet returns an empty flag set for a command.
func newFlagSet(name string) *flag.FlagSet {
	return flag.NewFlagSet("deepnet "+name, flag.ContinueOnError)
}
