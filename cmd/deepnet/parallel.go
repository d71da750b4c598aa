package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"runtime"
	"time"

	"github.com/deepnet-go/deepnet/internal/f32"
	"github.com/deepnet-go/deepnet/mpi"
	"github.com/deepnet-go/deepnet/train"
)

// peers are the processes an MPI launcher started to train one model
// together (train.Config.Comm): train and bench run as one of them when
// launched by mpirun or srun (mpi.Launched), in a binary built with the
// tag mpi.
type peers struct {
	comm *mpi.Comm
}

// parallel runs f as this process's part of the group an MPI launcher
// started, or alone (with nil peers) when none did. In a group, f gets
// the group and, on ranks other than 0, an io.Discard for stdout (rank 0
// speaks for all); each process uses its share of the machine's cores
// unless --workers says otherwise; an error is printed with the rank and
// ends every process (MPI_Abort: the others may be waiting for this one),
// and success ends MPI cleanly.
func parallel(name string, stdout, stderr io.Writer, f func(g *peers, stdout io.Writer) error) error {
	if _, ok := mpi.Launched(); !ok {
		return f(nil, stdout)
	}
	comm, err := mpi.Init()
	if err != nil {
		return err
	}
	f32.SetWorkers(max(1, runtime.NumCPU()/max(comm.LocalSize(), 1)))
	out := stdout
	if comm.Rank() > 0 {
		out = io.Discard
	}
	err = f(&peers{comm: comm}, out)
	if err == nil || errors.Is(err, flag.ErrHelp) {
		if ferr := comm.Finalize(); ferr != nil {
			return ferr
		}
		return err
	}
	code := 1
	if errors.Is(err, errUsage) {
		code = 2
	} else {
		fmt.Fprintf(stderr, "deepnet %s (rank %d of %d): %v\n", name, comm.Rank(), comm.Size(), withHint(err))
	}
	comm.Abort(code) // does not return
	return err
}

// rank returns the process's rank (0 alone).
func (g *peers) rank() int {
	if g == nil {
		return 0
	}
	return g.comm.Rank()
}

// apply makes cfg train with the group, if any.
func (g *peers) apply(cfg *train.Config) {
	if g != nil {
		cfg.Comm = g.comm
	}
}

// describe says how the group shares a mini-batch of b, for the header
// ("" alone).
func (g *peers) describe(b int) string {
	if g == nil {
		return ""
	}
	n := g.comm.Size()
	lo, hi := train.Shard(b, 0, n)
	lo1, hi1 := train.Shard(b, n-1, n)
	shard := fmt.Sprintf("%d", hi-lo)
	if hi-lo != hi1-lo1 {
		shard = fmt.Sprintf("%d to %d", hi-lo, hi1-lo1)
	}
	return fmt.Sprintf("parallel %d processes (MPI), %d on this machine, each mini-batch of %d shared out %s a process, gradients summed", n, g.comm.LocalSize(), b, shard)
}

// timedComm is a train.Comm that adds up the time its all-reduces take
// (waiting for the slowest process included), for bench.
type timedComm struct {
	train.Comm
	reduce time.Duration
}

func (t *timedComm) AllreduceSum(buf []float32) error {
	start := time.Now()
	err := t.Comm.AllreduceSum(buf)
	t.reduce += time.Since(start)
	return err
}
