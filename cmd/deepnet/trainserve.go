package main

import (
	"context"
	"fmt"
	"io"
	"net"

	"github.com/deepnet-go/deepnet/nn"
	"github.com/deepnet-go/deepnet/train"
	"github.com/deepnet-go/deepnet/web"
)

// listen opens --serve's address, before anything is loaded, so that an
// address in use is reported at once (nil without --serve).
func (c *trainCmd) listen() (net.Listener, error) {
	if *c.serve == "" {
		return nil, nil
	}
	ln, err := net.Listen("tcp", *c.serve)
	if err != nil {
		return nil, fmt.Errorf("--serve %s: %w", *c.serve, err)
	}
	return ln, nil
}

// watch serves the training page of the run on ln (see web.Live): its
// hooks go into c.live, which fit adds to the loop's. The function it
// returns marks the run done (err: why it stopped) and shuts the page
// down.
func (c *trainCmd) watch(ln net.Listener, nw *nn.Network, tk task, cfg train.Config, title string, stdout, stderr io.Writer) (func(error), error) {
	lc := web.LiveConfig{Net: nw, Title: title, Epochs: cfg.Epochs}
	if it, ok := tk.(*imagesTask); ok && it.d.Validation != nil && it.d.Validation.N > 0 {
		v := it.d.Validation
		lc.Digits, lc.DigitsName = &web.Digits{Images: v.Images, Labels: v.Labels}, "validation"
	}
	live, err := web.NewLive(lc)
	if err != nil {
		return nil, err
	}
	c.live = live
	ctx, cancel := context.WithCancel(context.Background())
	served := make(chan error, 1)
	go func() { served <- web.Serve(ctx, ln, live) }()
	fmt.Fprintf(stdout, "watch    http://%s/\n", ln.Addr())
	if host, _, _ := net.SplitHostPort(ln.Addr().String()); !isLoopback(host) {
		fmt.Fprintf(stderr, "deepnet train: --serve on %s: anyone who reaches this machine there can watch\n", host)
	}
	return func(runErr error) {
		live.Finish(runErr)
		cancel()
		if err := <-served; err != nil {
			fmt.Fprintf(stderr, "deepnet train: --serve: %v\n", err)
		}
	}, nil
}

// withLive adds c.live's hooks, if any, to cfg's.
func (c *trainCmd) withLive(cfg *train.Config) {
	if c.live == nil {
		return
	}
	onBatch, onEpoch := cfg.OnBatch, cfg.OnEpoch
	cfg.OnBatch = func(b train.BatchInfo) {
		onBatch(b)
		c.live.OnBatch(b)
	}
	cfg.OnEpoch = func(e train.Epoch) {
		onEpoch(e)
		c.live.OnEpoch(e)
	}
}
