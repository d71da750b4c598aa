package web

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/deepnet-go/deepnet/internal/nettest"
	"github.com/deepnet-go/deepnet/nn"
	"github.com/deepnet-go/deepnet/viz"
)

// TestBatcherGathersAnnouncedRequests: requests announced (begin) before
// the first is queued are gathered into one batch (or two, when the last
// ones are queued just as the batch is cut), and each gets its own
// digit's probabilities, as a Forward of that digit alone gives them.
func TestBatcherGathersAnnouncedRequests(t *testing.T) {
	net, ref := newNet(t, smallSpec, 16), newNet(t, smallSpec, 1)
	b := newBatcher(net, time.Second)
	defer b.close()
	digits := testDigits(t)
	want := make([][]float32, 10)
	for d := range 10 {
		want[d] = append([]float32(nil), ref.Forward(toInput(digits[d*784:(d+1)*784]), 1, false)...)
	}
	ends := make([]func(), 16)
	for i := range ends {
		ends[i] = b.begin()
	}
	var wg sync.WaitGroup
	for i := range ends {
		wg.Go(func() {
			d := i % 10
			j := &job{x: toInput(digits[d*784 : (d+1)*784]), n: 1}
			if err := b.do(context.Background(), j, ends[i]); err != nil {
				t.Error(err)
				return
			}
			if !close32(j.probs, want[d]) {
				t.Errorf("request %d (digit %d): %v, want %v", i, d, j.probs, want[d])
			}
		})
	}
	wg.Wait()
	if batches, examples := b.batches.Load(), b.examples.Load(); examples != 16 || batches > 2 {
		t.Errorf("%d examples in %d batches", examples, batches)
	}
}

// TestConcurrentPredictions: many goroutines' predictions through the
// Server each get their own digit's answer, as a Forward of that digit
// alone gives it.
func TestConcurrentPredictions(t *testing.T) {
	s, err := New(Config{Net: newNet(t, smallSpec, 8)})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	ref := newNet(t, smallSpec, 1)
	digits := testDigits(t)
	want := make([][]float32, 10)
	for d := range 10 {
		want[d] = append([]float32(nil), ref.Forward(toInput(digits[d*784:(d+1)*784]), 1, false)...)
	}
	var wg sync.WaitGroup
	for c := range 32 {
		wg.Go(func() {
			for i := range 10 {
				d := (c + i) % 10
				x := toInput(digits[d*784 : (d+1)*784])
				p, err := s.Predict(context.Background(), x)
				if err != nil {
					t.Error(err)
					return
				}
				if p.Digit != nn.Argmax(p.Probabilities) || !close32(p.Probabilities, want[d]) {
					t.Errorf("digit %d: %+v, want %v", d, p, want[d])
				}
			}
		})
	}
	wg.Wait()
	if _, examples := s.Batches(); examples != 32*10 {
		t.Errorf("%d examples", examples)
	}
}

// TestBatcherSeveralChannels: the batcher lays out a batch of images of
// several channels as Network.Forward does, and gives each example's
// layer outputs as viz.Activations gives them.
func TestBatcherSeveralChannels(t *testing.T) {
	in := nn.Shape{C: 2, H: 9, W: 7}
	spec := "conv:3x3x2 maxpool:2 relu fc:5 softmax:4"
	net, ref := nettest.New(t, spec, in, 3, 1), nettest.New(t, spec, in, 1, 1)
	nettest.Randomize(net, 5, 0.5)
	nettest.Randomize(ref, 5, 0.5)
	b := newBatcher(net, time.Millisecond)
	defer b.close()
	x := make([]float32, 3*in.Size())
	for i := range x {
		x[i] = float32(i%17) / 17
	}
	j := &job{x: x, n: 3, layers: []int{0, 1, 2, 3, 4}}
	if err := b.do(context.Background(), j, b.begin()); err != nil {
		t.Fatal(err)
	}
	for i := range 3 {
		acts, err := viz.Activations(ref, x[i*in.Size():(i+1)*in.Size()])
		if err != nil {
			t.Fatal(err)
		}
		for l, a := range acts {
			size := a.Shape.Size()
			if got := j.outs[l][i*size : (i+1)*size]; !close32(got, a.Data) {
				t.Errorf("example %d, layer %d %s: %v, want %v", i, l+1, a.Spec, got, a.Data)
			}
		}
		if got := j.probs[i*4 : (i+1)*4]; !close32(got, acts[len(acts)-1].Data) {
			t.Errorf("example %d: probabilities %v", i, got)
		}
	}
}

// TestBatcherClosed: a request after Close is answered ErrClosed, and one
// whose context is done gives up.
func TestBatcherClosed(t *testing.T) {
	s, err := New(Config{Net: newNet(t, smallSpec, 2)})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := s.Predict(ctx, make([]float32, 784)); !errors.Is(err, context.Canceled) && err != nil {
		t.Errorf("cancelled: %v", err)
	}
	s.Close()
	if _, err := s.Predict(context.Background(), make([]float32, 784)); !errors.Is(err, ErrClosed) {
		t.Errorf("after Close: %v", err)
	}
	if _, err := s.Predict(context.Background(), make([]float32, 783)); err == nil {
		t.Error("783 values: no error")
	}
}
