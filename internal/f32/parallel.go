package f32

// ParallelFor runs task over the items [0, n), split into up to
// chunksPerWorker·Workers() contiguous chunks of (nearly) equal size
// (chunk i of C is [i·n/C, (i+1)·n/C)). The calling goroutine and the
// pool's helpers claim chunks one at a time, in any order, until none is
// left; ParallelFor returns when all are done. It does not
// allocate when task is a pointer. Calls made while the pool is busy (from
// another goroutine, or from inside a task) run task.Run(0, n) serially.
func ParallelFor(n int, task Task) {
	ParallelForGrain(n, 1, task)
}

// ParallelForGrain is ParallelFor with at least grain items per chunk
// (fewer chunks than workers when n < grain·Workers()), for loops whose
// items are too cheap to split finely.
func ParallelForGrain(n, grain int, task Task) {
	if p, chunks := tryPool(n, grain); p != nil {
		p.runFor(task, n, chunks)
		return
	}
	if n > 0 {
		task.Run(0, n)
	}
}

// chunksPerWorker is how many chunks a job is cut into per worker, so that
// a worker slowed by another process leaves its share to the others.
var chunksPerWorker = 4

// tryPool returns the locked pool and the number of chunks for a job of n
// items of at least grain each, or nil when the job should run serially
// (one chunk, or the pool is busy).
func tryPool(n, grain int) (*workerPool, int) {
	grain = max(grain, 1)
	if n < 2*grain {
		return nil, 0
	}
	p := thePool
	if !p.mu.TryLock() {
		return nil, 0
	}
	chunks := min(p.workers*chunksPerWorker, n/grain, maxChunks)
	if p.workers <= 1 || chunks <= 1 {
		p.mu.Unlock()
		return nil, 0
	}
	return p, chunks
}

// runFor runs task in chunks on the pool locked by tryPool, and unlocks it.
func (p *workerPool) runFor(task Task, n, chunks int) {
	p.forJob.task = task
	p.dispatch(&p.forJob, n, chunks)
	p.forJob.task = nil
	p.mu.Unlock()
}

// forTask adapts a Task to the pool.
type forTask struct{ task Task }

func (f *forTask) runChunk(_ *workerPool, _, lo, hi int) { f.task.Run(lo, hi) }

func (t *gemmTask) runChunk(p *workerPool, w, lo, hi int) { t.runUnits(p.bufs[w], lo, hi) }

// prepack packs all of A into the pool's shared buffer before a product
// split along n, whose chunks would otherwise each pack all of it; large
// A is packed by the pool. p.mu must be held.
func (p *workerPool) prepack(t *gemmTask) {
	need := t.m * t.k
	if len(p.packedA) < need {
		p.packedA = alignedFloats(need) // grows on first use only
	}
	t.pa = p.packedA[:need]
	units := t.nkb * t.mp
	if chunks := min(p.workers*chunksPerWorker, units); need >= prepackParMin && chunks > 1 {
		p.jobs.prepack.t = t
		p.dispatch(&p.jobs.prepack, units, chunks)
		p.jobs.prepack.t = nil
		return
	}
	t.prepackUnits(0, units)
}

// prepackParMin is the size of A (floats) above which the pool packs it.
const prepackParMin = 1 << 13

// prepackTask adapts gemmTask.prepackUnits to the pool.
type prepackTask struct{ t *gemmTask }

func (j *prepackTask) runChunk(_ *workerPool, _, lo, hi int) { j.t.prepackUnits(lo, hi) }

// runGemm computes t on the pool when it is large enough to pay.
func runGemm(t *gemmTask) {
	p := thePool
	if !p.mu.TryLock() {
		buf := spareBufs.Get().(*gemmBuf)
		t.runUnits(buf, 0, t.units)
		spareBufs.Put(buf)
		return
	}
	chunks := min(p.workers*chunksPerWorker, t.units, maxChunks)
	if p.workers <= 1 || chunks <= 1 || t.m*t.n*t.k < gemmParMin {
		t.runUnits(p.bufs[0], 0, t.units)
		p.mu.Unlock()
		return
	}
	p.gemm = *t
	if !t.useDot && t.splitN && t.mp > 0 {
		p.prepack(&p.gemm)
	}
	p.dispatch(&p.gemm, t.units, chunks)
	p.gemm = gemmTask{}
	p.mu.Unlock()
}
