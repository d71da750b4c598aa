package train

import (
	"context"
	"fmt"

	"github.com/deepnet-go/deepnet/nn"
)

// Comm is a group of processes that train one model together,
// synchronously and data-parallel (Config.Comm): every process holds the
// same parameters and trains on its shard of each mini-batch (Shard), the
// shards' gradients are summed with AllreduceSum, and every process takes
// the same step. Package mpi implements it over MPI (build tag mpi). Fit
// calls it from the goroutine that called Fit, and every process must make
// the same calls in the same order.
type Comm interface {
	// Rank is this process's number, 0 to Size()-1. Rank 0 writes the
	// checkpoints.
	Rank() int
	// Size is the number of processes.
	Size() int
	// AllreduceSum replaces buf, on every process, by the element-wise
	// sum of every process's buf (of the same length on all).
	AllreduceSum(buf []float32) error
	// Broadcast replaces buf, on every process, by rank 0's.
	Broadcast(buf []float64) error
}

// Shardable is implemented by objectives that the processes of a Comm
// can share: Step takes any slice of a mini-batch and returns the mean
// cost over it, with the mean gradients, and SeedRank gives each process
// draws of its own (dropout masks, distortions). With a Comm of more than
// one process, the trainer calls SeedRank at the start of every epoch on
// every rank but 0, after StartEpoch, so that each process draws its own
// for its shard, from the seed, the epoch and the rank alone (a resumed
// run draws the same); rank 0 draws as a single process does.
// Classification is Shardable; a Comm of several processes is refused for
// other objectives (a character model reads whole windows, contrastive
// divergence keeps a persistent chain per example of a mini-batch).
type Shardable interface {
	SeedRank(rank, epoch int)
}

// Shard returns the examples [lo, hi) of a mini-batch of n that the
// process of rank size trains on: contiguous slices whose lengths differ
// by one at most, in rank order.
func Shard(n, rank, size int) (lo, hi int) {
	return rank * n / size, (rank + 1) * n / size
}

// errStoppedElsewhere is the error of an epoch that another process of
// the Comm stopped (its context was cancelled): it matches
// context.Canceled.
var errStoppedElsewhere = fmt.Errorf("train: another process stopped: %w", context.Canceled)

// group is a Trainer's share of a Comm: the buffer a step's gradients are
// summed in (every trained gradient, then the step's cost and a stop flag).
type group struct {
	comm  Comm
	buf   []float32
	score [3]float64
}

// newGroup returns the group of comm for the trained parameters of obj,
// or nil without a Comm or with a Comm of one process. An objective that
// is not Shardable, or a mini-batch smaller than the processes (some would
// have no examples), is an error.
func newGroup(comm Comm, obj Objective, trained []*nn.Param, batch int) (*group, error) {
	if comm == nil || comm.Size() <= 1 {
		return nil, nil
	}
	if _, ok := obj.(Shardable); !ok {
		return nil, fmt.Errorf("train: this objective (%T) cannot share its mini-batches between %d processes; classification can", obj, comm.Size())
	}
	if batch < comm.Size() {
		return nil, &GroupBatchError{Batch: batch, Processes: comm.Size()}
	}
	n := 2
	for _, p := range trained {
		n += len(p.Grad.Data)
	}
	return &group{comm: comm, buf: make([]float32, n)}, nil
}

// step trains t's objective on this process's shard of idx, sums the
// gradients of every process's shard, each weighted by its share of the
// mini-batch, so that they are the mini-batch's mean gradient, clips them
// if the config says so and updates every parameter. It returns the
// mini-batch's cost and whether any process asked to stop.
func (g *group) step(t *Trainer, idx []int, eta float64, stop bool) (float64, bool, error) {
	lo, hi := Shard(len(idx), g.comm.Rank(), g.comm.Size())
	share := float32(hi-lo) / float32(len(idx))
	cost := t.obj.Step(idx[lo:hi], nil)
	buf, off := g.buf, 0
	for _, p := range t.trained {
		for i, v := range p.Grad.Data {
			buf[off+i] = v * share
		}
		off += len(p.Grad.Data)
	}
	buf[off] = float32(cost) * share
	buf[off+1] = 0
	if stop {
		buf[off+1] = 1
	}
	if err := g.comm.AllreduceSum(buf); err != nil {
		return 0, true, fmt.Errorf("train: summing the gradients: %w", err)
	}
	off = 0
	for _, p := range t.trained {
		off += copy(p.Grad.Data, buf[off:])
	}
	if t.cfg.ClipNorm > 0 {
		ClipGradNorm(t.trained, t.cfg.ClipNorm)
	}
	t.step(t.trained, eta)
	return float64(buf[off]), buf[off+1] > 0, nil
}

// agree replaces s by rank 0's score, so that every process selects the
// same epochs and stops early at the same one (batch normalisation's
// running statistics, which differ between the processes, make their own
// measurements differ).
func (g *group) agree(s Score) (Score, error) {
	g.score = [3]float64{s.Validation, s.Test, float64(s.Views)}
	if err := g.comm.Broadcast(g.score[:]); err != nil {
		return s, fmt.Errorf("train: sharing the scores: %w", err)
	}
	return Score{Validation: g.score[0], Test: g.score[1], Views: int(g.score[2])}, nil
}

// SeedRank reseeds, for the process of the given rank, the generators of
// the dropout masks and of the distortions from (Seed, epoch, rank), so
// that the processes of a Comm draw different ones (Shardable).
func (c *Classification) SeedRank(rank, epoch int) {
	stream := uint64(rank)<<40 | uint64(epoch)<<16
	if c.aug != nil {
		c.augSrc.Seed(c.cfg.Seed, 3<<56|stream)
	}
	for i, l := range c.net.Layers {
		if d, ok := l.(*nn.DropoutLayer); ok {
			d.Source.Seed(c.cfg.Seed, 4<<56|stream|uint64(i))
		}
	}
}

// GroupBatchError is a mini-batch smaller than the processes of a Comm
// that would share it: some would have no examples.
type GroupBatchError struct {
	Batch, Processes int
}

func (e *GroupBatchError) Error() string {
	return fmt.Sprintf("train: a mini-batch of %d shared by %d processes: want at least one example each", e.Batch, e.Processes)
}
