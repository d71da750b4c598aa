package f32

import (
	"sync/atomic"
	"testing"
)

// coverTask records which worker-chunk covered each item.
type coverTask struct {
	hits  []atomic.Int32
	calls atomic.Int32
}

func (c *coverTask) Run(lo, hi int) {
	c.calls.Add(1)
	for i := lo; i < hi; i++ {
		c.hits[i].Add(1)
	}
}

func TestParallelFor(t *testing.T) {
	defer SetWorkers(0)
	for _, w := range []int{1, 2, 3, 8} {
		SetWorkers(w)
		if Workers() != w {
			t.Fatalf("Workers() = %d after SetWorkers(%d)", Workers(), w)
		}
		for _, n := range []int{0, 1, 2, 5, 100, 1001} {
			for _, grain := range []int{1, 7, 1000} {
				c := &coverTask{hits: make([]atomic.Int32, n)}
				ParallelForGrain(n, grain, c)
				for i := range c.hits {
					if c.hits[i].Load() != 1 {
						t.Fatalf("w=%d n=%d grain=%d: item %d run %d times", w, n, grain, i, c.hits[i].Load())
					}
				}
				want := min(w*chunksPerWorker, max(1, n/grain))
				if w == 1 {
					want = 1
				}
				if n > 0 && n >= 2*grain && int(c.calls.Load()) != want {
					t.Errorf("w=%d n=%d grain=%d: %d chunks, want %d", w, n, grain, c.calls.Load(), want)
				}
			}
		}
	}
}

// nestedTask calls ParallelFor from inside a task: it must run serially.
type nestedTask struct{ inner *coverTask }

func (n *nestedTask) Run(lo, hi int) {
	for i := lo; i < hi; i++ {
		ParallelFor(10, n.inner)
	}
}

func TestParallelForNested(t *testing.T) {
	defer SetWorkers(0)
	SetWorkers(2)
	c := &coverTask{hits: make([]atomic.Int32, 10)}
	ParallelFor(4, &nestedTask{c})
	for i := range c.hits {
		if c.hits[i].Load() != 4 {
			t.Fatalf("item %d run %d times, want 4", i, c.hits[i].Load())
		}
	}
}

type nopTask struct{ sum []float32 }

func (n *nopTask) Run(lo, hi int) {
	for i := lo; i < hi; i++ {
		n.sum[i]++
	}
}

func TestParallelForNoAlloc(t *testing.T) {
	defer SetWorkers(0)
	SetWorkers(2)
	task := &nopTask{sum: make([]float32, 1000)}
	if a := testing.AllocsPerRun(100, func() { ParallelFor(1000, task) }); a != 0 {
		t.Errorf("ParallelFor: %v allocations per call", a)
	}
}
