package f32

import (
	"fmt"
	"runtime"
	"sync"
	"sync/atomic"
	"time"
)

// Task is work that ParallelFor splits: Run(lo, hi) processes items
// [lo, hi). Run may be called concurrently on disjoint ranges, in any
// order, so it must only write state owned by its items; for results that
// do not depend on the number of workers, each item's result must not
// depend on how the range was split.
type Task interface {
	Run(lo, hi int)
}

// chunkJob is the pool's internal form of a job: worker w runs [lo, hi).
type chunkJob interface {
	runChunk(p *workerPool, w, lo, hi int)
}

// workerPool is a persistent set of goroutines. The caller of a job is
// worker 0; helpers 1..workers-1 spin briefly after each job, then park.
// A job is cut into more chunks than workers, and every worker, the
// caller included, claims chunks one at a time from claim: a worker that
// the operating system delays (another process on its core) just claims
// fewer, and the caller never waits for a helper that has not started.
// mu is held by the goroutine whose job the pool is running; a call that
// finds it held (a concurrent or nested call) runs serially instead.
type workerPool struct {
	mu      sync.Mutex
	workers int
	bufs    []*gemmBuf
	helpers []*helper
	packedA []float32 // A of a product split along n, packed once

	// claim packs the job's sequence number (bits 32–63), its number of
	// chunks (bits 16–31) and the next unclaimed chunk (bits 0–15). A
	// worker that claims a chunk with a compare-and-swap may read the
	// job's fields: the job cannot end before that chunk is done.
	claim    atomic.Uint64
	seq      uint32       // the current job's sequence number (owner only)
	finished atomic.Int32 // chunks of the current job done
	sleeping atomic.Bool  // the owner waits on done
	done     chan struct{}

	// The current job, written by the owner before claim is published.
	job chunkJob
	n   int

	// Jobs are copied here from the caller's stack so that they do not
	// escape (and allocate) when handed to the helpers.
	gemm   gemmTask
	forJob forTask
	jobs   kernelJobs
}

type helper struct {
	sleeping atomic.Bool
	quit     atomic.Bool
	wake     chan struct{}
}

// An idle helper polls for the next job (and the owner for its helpers'
// last chunks) before parking, because waking a parked thread takes tens
// of microseconds, more than many jobs last. How long it polls adapts to
// the machine: spinLong while the process has its cores to itself (a
// training step's serial stretches between jobs last up to a few hundred
// microseconds, and a parked helper would miss the start of every next
// job), spinShort for backoff after a poller finds it was descheduled
// mid-poll — another process wants the core, and a poller would take its
// time from the process's own serial work and from the other process.
// Measured on 2 cores (dropout preset, batch 64): a fixed 500 µs instead
// of a fixed 20 µs trained 8% faster on a quiet machine (medians of 4
// alternating runs, 6,380 against 5,890 images/s) and 28% slower beside
// one other busy process (3,180 against 4,440); the adaptive poll keeps
// the first and loses the second (docs/PERFORMANCE.md).
const (
	spinLong  = 500 * time.Microsecond
	spinShort = 20 * time.Microsecond
	backoff   = time.Second
	// preempted is the gap between two polls (normally about a
	// microsecond) that shows that the poller was descheduled.
	preempted = 200 * time.Microsecond
)

// shortUntil is the time (UnixNano) until which pollers use spinShort.
var shortUntil atomic.Int64

// poller times one polling wait.
type poller struct {
	start, last time.Time
	limit       time.Duration
}

func newPoller() poller {
	now := time.Now()
	limit := spinLong
	if now.UnixNano() < shortUntil.Load() {
		limit = spinShort
	}
	return poller{start: now, last: now, limit: limit}
}

// expired reports whether the wait has polled long enough; it notes a
// descheduling, which shortens every poller's waits for backoff.
func (w *poller) expired() bool {
	now := time.Now()
	if now.Sub(w.last) > preempted {
		shortUntil.Store(now.Add(backoff).UnixNano())
		return true
	}
	w.last = now
	return now.Sub(w.start) > w.limit
}

// maxChunks bounds the chunks of one job (they must fit claim's 16 bits).
const maxChunks = 1<<16 - 1

var thePool = newPool(runtime.GOMAXPROCS(0))

// spareBufs serves packing buffers to Gemm calls that run while the pool is
// busy (concurrent callers); it allocates only then.
var spareBufs = sync.Pool{New: func() any { return newGemmBuf() }}

func newPool(n int) *workerPool {
	p := &workerPool{done: make(chan struct{}, 1)}
	p.start(n)
	return p
}

// start launches n-1 helpers; p.mu must be held or p unshared.
func (p *workerPool) start(n int) {
	p.workers = n
	p.bufs = make([]*gemmBuf, n)
	p.helpers = make([]*helper, n-1)
	for i := range p.bufs {
		p.bufs[i] = newGemmBuf()
	}
	for i := range p.helpers {
		h := &helper{wake: make(chan struct{}, 1)}
		p.helpers[i] = h
		go p.loop(i+1, h, p.seq)
	}
}

// MaxWorkers is the most workers SetWorkers takes: each holds its own
// packed panels of a few megabytes.
const MaxWorkers = 256

// SetWorkers sets the number of workers (the calling goroutine included)
// that Gemm and ParallelFor use; n ≤ 0 means runtime.GOMAXPROCS(0), at most
// MaxWorkers. Results do not depend on it. It waits for running jobs to
// finish. It panics when n is more than MaxWorkers.
func SetWorkers(n int) {
	if n > MaxWorkers {
		panic(fmt.Sprintf("f32.SetWorkers: %d workers, at most %d", n, MaxWorkers))
	}
	if n <= 0 {
		n = min(runtime.GOMAXPROCS(0), MaxWorkers)
	}
	p := thePool
	p.mu.Lock()
	defer p.mu.Unlock()
	if n == p.workers {
		return
	}
	// Old helpers see the next sequence number, find quit set and exit
	// without claiming anything.
	for _, h := range p.helpers {
		h.quit.Store(true)
	}
	p.publish(0)
	p.start(n)
}

// Workers returns the number of workers set by SetWorkers.
func Workers() int {
	p := thePool
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.workers
}

// publish starts job number p.seq+1 with chunks chunks and wakes parked
// helpers; p.mu must be held.
func (p *workerPool) publish(chunks int) {
	p.finished.Store(0)
	p.seq++
	p.claim.Store(uint64(p.seq)<<32 | uint64(chunks)<<16)
	for _, h := range p.helpers {
		if h.sleeping.CompareAndSwap(true, false) {
			h.wake <- struct{}{}
		}
	}
}

// dispatch runs job over n items in chunks parts (2 ≤ chunks ≤ maxChunks,
// chunks ≤ n) and waits for it; p.mu must be held.
func (p *workerPool) dispatch(job chunkJob, n, chunks int) {
	p.job, p.n = job, n
	p.publish(chunks)
	p.work(0, p.seq)
	if int(p.finished.Load()) != chunks {
		p.waitDone(int32(chunks))
	}
	p.job = nil
}

// work claims and runs chunks of job seq as worker w until none is left
// (or a newer job has started, for a late helper).
func (p *workerPool) work(w int, seq uint32) {
	for {
		c := p.claim.Load()
		chunks, next := int(c>>16&0xffff), int(c&0xffff)
		if uint32(c>>32) != seq || next >= chunks {
			return
		}
		if !p.claim.CompareAndSwap(c, c+1) {
			continue
		}
		lo, cnt := span(next, chunks, p.n)
		p.job.runChunk(p, w, lo, lo+cnt)
		if int(p.finished.Add(1)) == chunks && w != 0 && p.sleeping.CompareAndSwap(true, false) {
			p.done <- struct{}{}
		}
	}
}

// waitDone waits until chunks chunks are finished, polling (see poller),
// then parking on done.
func (p *workerPool) waitDone(chunks int32) {
	w := newPoller()
	for i := 1; p.finished.Load() != chunks; i++ {
		if i%256 == 0 && w.expired() {
			p.sleeping.Store(true)
			if p.finished.Load() == chunks {
				if !p.sleeping.CompareAndSwap(true, false) {
					<-p.done // the last helper saw us asleep and sent a token
				}
				return
			}
			<-p.done
			return
		}
	}
}

// loop is helper w's life: wait for a job, claim its chunks, repeat.
func (p *workerPool) loop(w int, h *helper, last uint32) {
	for {
		last = p.wait(h, last)
		if h.quit.Load() {
			return
		}
		p.work(w, last)
	}
}

// wait returns the sequence number of the next job after last, spinning for
// (see poller) and then parking on h.wake.
func (p *workerPool) wait(h *helper, last uint32) uint32 {
	w := newPoller()
	for i := 1; ; i++ {
		if s := uint32(p.claim.Load() >> 32); s != last {
			return s
		}
		if i%256 == 0 {
			if w.expired() {
				break
			}
			runtime.Gosched()
		}
	}
	for {
		h.sleeping.Store(true)
		if s := uint32(p.claim.Load() >> 32); s != last {
			if !h.sleeping.CompareAndSwap(true, false) {
				<-h.wake // the owner saw us asleep and sent a token
			}
			return s
		}
		<-h.wake
		if s := uint32(p.claim.Load() >> 32); s != last {
			return s
		}
	}
}
