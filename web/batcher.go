package web

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"time"

	"github.com/deepnet-go/deepnet/nn"
)

// ErrClosed is returned for a request that arrives after Close, or whose
// answer Close left unfinished.
var ErrClosed = errors.New("web: the server is shutting down")

// DefaultMaxWait is how long the batcher waits, after a request, for more
// that are on their way (see batcher).
const DefaultMaxWait = 2 * time.Millisecond

// job is one request to the batcher: n examples, and the layers whose
// outputs to copy out for them.
type job struct {
	x      []float32 // n examples, [n][C][H][W]
	n      int
	layers []int // indices into net.Layers, nil for none

	probs []float32   // written: [n][K]
	outs  [][]float32 // written: one per layers entry, [n][size of one example]
	done  chan struct{}
}

// batcher owns a network and runs every request through it, gathering
// concurrent requests into one Forward: after the first request of a
// batch it takes the ones already queued and waits, up to maxWait, for
// those that handlers have announced (begin) but not yet queued, until
// the batch holds net.MaxBatch examples. A request alone, with nothing
// announced, runs at once.
type batcher struct {
	net     *nn.Network
	maxWait time.Duration
	jobs    chan *job
	coming  atomic.Int64 // requests announced and not yet queued
	quit    chan struct{}
	stopped chan struct{}
	once    sync.Once

	next  *job // taken from jobs but too large for the batch before
	batch []*job
	x, in []float32
	outs  [][]float32 // each layer's output of the last batch

	batches, examples atomic.Int64
}

func newBatcher(net *nn.Network, maxWait time.Duration) *batcher {
	size := net.In.Size() * net.MaxBatch
	b := &batcher{net: net, maxWait: maxWait, jobs: make(chan *job, 4*net.MaxBatch),
		quit: make(chan struct{}), stopped: make(chan struct{}),
		x: make([]float32, size), outs: make([][]float32, len(net.Layers))}
	if net.In.C > 1 {
		b.in = make([]float32, size)
	}
	go b.loop()
	return b
}

// begin announces a request that will soon call do (or give up); the
// function it returns withdraws the announcement.
func (b *batcher) begin() (end func()) {
	b.coming.Add(1)
	var once sync.Once
	return func() { once.Do(func() { b.coming.Add(-1) }) }
}

// do runs j and waits for its answer, or for ctx or Close. end, from
// begin, is called once j is queued.
func (b *batcher) do(ctx context.Context, j *job, end func()) error {
	if j.n < 1 || j.n > b.net.MaxBatch || len(j.x) != j.n*b.net.In.Size() {
		panic("web: batcher job of the wrong size")
	}
	j.done = make(chan struct{})
	end()
	select {
	case b.jobs <- j:
	case <-ctx.Done():
		return ctx.Err()
	case <-b.quit:
		return ErrClosed
	}
	select {
	case <-j.done:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	case <-b.stopped:
		select {
		case <-j.done:
			return nil
		default:
			return ErrClosed
		}
	}
}

// close stops the loop after the batch it is running.
func (b *batcher) close() {
	b.once.Do(func() { close(b.quit) })
	<-b.stopped
}

func (b *batcher) loop() {
	defer close(b.stopped)
	timer := time.NewTimer(time.Hour)
	timer.Stop()
	for {
		first := b.next
		if first == nil {
			select {
			case first = <-b.jobs:
			case <-b.quit:
				return
			}
		}
		b.next = nil
		batch, n := append(b.batch[:0], first), first.n
		waiting := false
	collect:
		for n < b.net.MaxBatch {
			var j *job
			select {
			case j = <-b.jobs:
			default:
				if b.coming.Load() == 0 || b.maxWait <= 0 {
					break collect
				}
				if !waiting {
					waiting = true
					timer.Reset(b.maxWait)
				}
				select {
				case j = <-b.jobs:
				case <-timer.C:
					waiting = false
					break collect
				case <-b.quit:
					return
				}
			}
			if n+j.n > b.net.MaxBatch {
				b.next = j
				break collect
			}
			batch, n = append(batch, j), n+j.n
		}
		timer.Stop() // (since Go 1.23 a stopped timer delivers nothing stale)
		b.batch = batch
		b.run(batch, n)
	}
}

// run forwards the n examples of batch and answers each job.
func (b *batcher) run(batch []*job, n int) {
	size, k := b.net.In.Size(), b.net.OutShape().Size()
	x := b.x[:n*size]
	off := 0
	for _, j := range batch {
		copy(x[off*size:], j.x)
		off += j.n
	}
	b.forward(x, n)
	probs := b.outs[len(b.outs)-1]
	off = 0
	for _, j := range batch {
		j.probs = append(j.probs[:0], probs[off*k:(off+j.n)*k]...)
		j.outs = j.outs[:0]
		for _, l := range j.layers {
			s := b.net.Layers[l].OutShape()
			out := make([]float32, j.n*s.Size())
			for i := range j.n {
				example(out[i*s.Size():(i+1)*s.Size()], b.outs[l], s, n, off+i)
			}
			j.outs = append(j.outs, out)
		}
		off += j.n
		close(j.done)
	}
	b.batches.Add(1)
	b.examples.Add(int64(n))
}

// forward runs x ([n][C][H][W]) through the network at inference, layer by
// layer as Network.Forward does, keeping every layer's output in b.outs.
func (b *batcher) forward(x []float32, n int) {
	in := b.net.In
	if b.in != nil { // [n][C][H·W] → [C][n][H·W], as Network.Forward
		hw := in.H * in.W
		for img := range n {
			for c := range in.C {
				copy(b.in[(c*n+img)*hw:(c*n+img+1)*hw], x[(img*in.C+c)*hw:])
			}
		}
		x = b.in[:n*in.Size()]
	}
	for i, l := range b.net.Layers {
		x = l.Forward(x, n, false)
		b.outs[i] = x
	}
}

// example copies example i of a batch of n, laid out as nn lays out
// outputs of shape s, into dst in the order [T][C][H][W].
func example(dst, batch []float32, s nn.Shape, n, i int) {
	switch {
	case s.T > 0: // [T][N][C]
		step := s.Step()
		for t := range s.T {
			copy(dst[t*step:(t+1)*step], batch[(t*n+i)*step:])
		}
	case s.Flat: // [N][C]
		copy(dst, batch[i*s.Size():(i+1)*s.Size()])
	default: // [C][N][H][W]
		hw := s.H * s.W
		for c := range s.C {
			copy(dst[c*hw:(c+1)*hw], batch[(c*n+i)*hw:])
		}
	}
}
