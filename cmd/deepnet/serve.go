package main

import (
	"context"
	"fmt"
	"io"
	"net"
	"os/signal"
	"syscall"
	"time"

	"github.com/deepnet-go/deepnet/model"
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
			"model's page samples text), and its JSON API (see the README), until interrupted.")
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
	ctx, stop := signal.NotifyContext(ctx, syscall.SIGTERM) // main's context ends on SIGINT
	defer stop()
	srv, err := web.New(cfg)
	if err != nil {
		return fmt.Errorf("%s: %w", *modelPath, err)
	}
	defer srv.Close()
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return fmt.Errorf("--addr %s: %w", *addr, err)
	}
	fmt.Fprintf(stdout, "serving %s on http://%s/  (Ctrl-C stops)\n", *modelPath, ln.Addr())
	if host, _, _ := net.SplitHostPort(ln.Addr().String()); !isLoopback(host) {
		fmt.Fprintf(stderr, "deepnet serve: listening on %s: anyone who reaches this machine there can use the page\n", host)
	}
	if err := web.Serve(ctx, ln, srv); err != nil {
		return err
	}
	fmt.Fprintln(stdout, "stopped")
	return nil
}

// isLoopback reports whether host is a loopback address.
func isLoopback(host string) bool {
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}
