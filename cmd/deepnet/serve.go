package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/deepnet-go/deepnet/model"
	"github.com/deepnet-go/deepnet/nn"
	"github.com/deepnet-go/deepnet/rbm"
	"github.com/deepnet-go/deepnet/web"
)

func runServe(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("serve")
	modelPath, dataDir, mach := modelFlag(fs), dataFlag(fs), machineFlags(fs)
	addr := fs.String("addr", "127.0.0.1:8080", "the address to listen on, HOST:PORT (port 0: any free port); a host other than loopback lets other machines in")
	maxBatch := fs.Int("max-batch", 32, "the most concurrent predictions run through the network together (1 to 1000)")
	maxWait := fs.Duration("max-wait", web.DefaultMaxWait, "how long a batch waits for predictions on their way (0s: none; at most 1s)")
	mistakes := fs.Bool("mistakes", true, "classify MNIST's test set (from --data, or the cache) and show the digits the model gets wrong")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: deepnet serve --model FILE [--addr 127.0.0.1:8080] [--data DIR]\n\n"+
			"Serves a page to draw a digit on and watch each layer of the model see it (a character\n"+
			"model's page samples text; a deep belief net's dreams digits of a label), and its JSON\n"+
			"API (see the README), until interrupted.")
		fs.PrintDefaults()
	}
	if err := parseFlags(fs, args, stderr); err != nil {
		return err
	}
	if err := checkRanges(fs, []rangeCheck{
		{"max-batch", *maxBatch >= 1 && *maxBatch <= 1000, "1 to 1000"},
		{"max-wait", *maxWait >= 0 && *maxWait <= time.Second, "0s to 1s, such as 2ms"},
	}); err != nil {
		return err
	}
	if *modelPath == "" {
		return fmt.Errorf("--model FILE is required")
	}
	if err := mach.apply(); err != nil {
		return err
	}
	nw, info, err := model.LoadWith(*modelPath, model.Options{MaxBatch: *maxBatch, MaxMemory: memoryLimit})
	if ke := (*model.KindError)(nil); errors.As(err, &ke) && ke.Kind == "dbn" {
		return serveDreams(ctx, *modelPath, *addr, stdout, stderr)
	}
	if err != nil {
		return err
	}
	cfg := web.Config{Net: nw, Info: info, Path: *modelPath, MaxWait: *maxWait}
	if *maxWait == 0 {
		cfg.MaxWait = -1
	}
	if *mistakes {
		cfg.Test = func() (*web.Digits, error) {
			d, err := loadMNIST(*dataDir, io.Discard)
			if err != nil {
				return nil, err
			}
			if err := checkSets(*modelPath, nw, d.Test); err != nil {
				return nil, err
			}
			return &web.Digits{Images: d.Test.Images, Labels: d.Test.Labels}, nil
		}
	}
	return serve(ctx, cfg, *addr, stdout, stderr)
}

// serve serves the page of cfg on addr until ctx ends or SIGTERM comes.
func serve(ctx context.Context, cfg web.Config, addr string, stdout, stderr io.Writer) error {
	ctx, stop := signal.NotifyContext(ctx, syscall.SIGTERM) // main's context ends on SIGINT
	defer stop()
	srv, err := web.New(cfg)
	if err != nil {
		return fmt.Errorf("%s: %w", cfg.Path, err)
	}
	defer srv.Close()
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("--addr %s: %w", addr, err)
	}
	fmt.Fprintf(stdout, "serving %s on http://%s/  (Ctrl-C stops)\n", cfg.Path, ln.Addr())
	if host, _, _ := net.SplitHostPort(ln.Addr().String()); !isLoopback(host) {
		fmt.Fprintf(stderr, "deepnet serve: listening on %s: anyone who reaches this machine there can use the page\n", host)
	}
	if err := web.Serve(ctx, ln, srv); err != nil {
		return err
	}
	fmt.Fprintln(stdout, "stopped")
	return nil
}

// serveDreams serves the page of the deep belief net in the model file
// at path: it dreams digits of a label.
func serveDreams(ctx context.Context, path, addr string, stdout, stderr io.Writer) error {
	d, info, err := rbm.LoadDBN(path)
	if err != nil {
		return err
	}
	return serve(ctx, web.Config{Dreamer: dbnDreamer{d}, Info: info, Path: path}, addr, stdout, stderr)
}

// dbnDreamer is a deep belief net as the page's web.Dreamer.
type dbnDreamer struct{ d *rbm.DBN }

func (a dbnDreamer) Describe() string {
	sizes := make([]string, len(a.d.Sizes))
	for i, n := range a.d.Sizes {
		sizes[i] = fmt.Sprint(n)
	}
	return fmt.Sprintf("deep belief net %s, %d labels", strings.Join(sizes, "-"), a.d.Labels)
}

func (a dbnDreamer) Shape() nn.Shape { return a.d.In }
func (a dbnDreamer) Labels() int     { return a.d.Labels }
func (a dbnDreamer) Dream(label, n, steps int, seed uint64) ([]float32, error) {
	return a.d.Generate(label, n, steps, seed)
}

// isLoopback reports whether host is a loopback address.
func isLoopback(host string) bool {
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}
