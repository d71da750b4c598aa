package f32

import (
	"runtime"
	"sync"
	"sync/atomic"
	"time"
)

// Task is work that ParallelFor splits: Run(lo, hi) processes items
// [lo, hi). Run may be called concurrently on disjoint ranges, so it must
// only write state owned by its items; for results that do not depend on
// the number of workers, each item's result must not depend on how the
// range was split.
type Task interface {
	Run(lo, hi int)
}

// chunkJob is the pool's internal form of a job: worker w runs [lo, hi).
type chunkJob interface {
	runChunk(p *workerPool, w, lo, hi int)
}

// workerPool is a persistent set of goroutines. The caller of a job is
// worker 0; helpers 1..workers-1 spin briefly after each job, then park.
// mu is held by the goroutine whose job the pool is running; a call that
// finds it held (a concurrent or nested call) runs serially instead.
type workerPool struct {
	mu      sync.Mutex
	workers int
	bufs    []*gemmBuf
	helpers []*helper

	seq      atomic.Uint64 // bumped once per job
	pending  atomic.Int32  // helpers (and owner) yet to finish the job
	sleeping atomic.Bool   // the owner waits on done
	done     chan struct{}

	// The current job, written by the owner before seq is bumped.
	job    chunkJob
	n      int
	chunks int
	quit   bool

	// Jobs are copied here from the caller's stack so that they do not
	// escape (and allocate) when handed to the helpers.
	gemm   gemmTask
	forJob forTask
	jobs   kernelJobs
}

type helper struct {
	sleeping atomic.Bool
	wake     chan struct{}
}

// spinFor is how long an idle helper polls for the next job before parking.
const spinFor = 100 * time.Microsecond

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
		go p.loop(i+1, h, p.seq.Load())
	}
}

// SetWorkers sets the number of workers (the calling goroutine included)
// that Gemm and ParallelFor use; n ≤ 0 means runtime.GOMAXPROCS(0). Results
// do not depend on it. It waits for running jobs to finish.
func SetWorkers(n int) {
	if n <= 0 {
		n = runtime.GOMAXPROCS(0)
	}
	p := thePool
	p.mu.Lock()
	defer p.mu.Unlock()
	if n == p.workers {
		return
	}
	p.quit = true
	p.dispatch(nil, 0, 0)
	p.quit = false
	p.start(n)
}

// Workers returns the number of workers set by SetWorkers.
func Workers() int {
	p := thePool
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.workers
}

// dispatch runs job over n items in chunks parts (chunks ≤ p.workers) and
// waits for it; p.mu must be held.
func (p *workerPool) dispatch(job chunkJob, n, chunks int) {
	p.job, p.n, p.chunks = job, n, chunks
	p.pending.Store(int32(len(p.helpers)) + 1)
	p.seq.Add(1)
	for _, h := range p.helpers {
		if h.sleeping.CompareAndSwap(true, false) {
			h.wake <- struct{}{}
		}
	}
	if !p.quit && chunks > 0 {
		lo, cnt := span(0, chunks, n)
		job.runChunk(p, 0, lo, lo+cnt)
	}
	if p.pending.Add(-1) != 0 {
		p.waitDone()
	}
	p.job = nil
}

// waitDone waits until pending is zero, spinning for spinFor, then
// parking on done.
func (p *workerPool) waitDone() {
	start := time.Now()
	for i := 1; p.pending.Load() != 0; i++ {
		if i%256 == 0 && time.Since(start) > spinFor {
			p.sleeping.Store(true)
			if p.pending.Load() == 0 {
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

// loop is helper w's life: wait for a job, run its chunk, report.
func (p *workerPool) loop(w int, h *helper, last uint64) {
	for {
		last = p.wait(h, last)
		quit := p.quit
		if !quit && w < p.chunks {
			lo, cnt := span(w, p.chunks, p.n)
			p.job.runChunk(p, w, lo, lo+cnt)
		}
		if p.pending.Add(-1) == 0 && p.sleeping.CompareAndSwap(true, false) {
			p.done <- struct{}{}
		}
		if quit {
			return
		}
	}
}

// wait returns the sequence number of the next job after last, spinning for
// spinFor and then parking on h.wake.
func (p *workerPool) wait(h *helper, last uint64) uint64 {
	start := time.Now()
	for i := 1; ; i++ {
		if s := p.seq.Load(); s != last {
			return s
		}
		if i%256 == 0 {
			if time.Since(start) > spinFor {
				break
			}
			runtime.Gosched()
		}
	}
	for {
		h.sleeping.Store(true)
		if s := p.seq.Load(); s != last {
			if !h.sleeping.CompareAndSwap(true, false) {
				<-h.wake // the owner saw us asleep and sent a token
			}
			return s
		}
		<-h.wake
		if s := p.seq.Load(); s != last {
			return s
		}
	}
}
