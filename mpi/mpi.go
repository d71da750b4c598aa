//go:build mpi && cgo

package mpi

/*
#cgo pkg-config: mpi
#include <mpi.h>

static int dn_init(int *provided) {
	int err = MPI_Init_thread(NULL, NULL, MPI_THREAD_FUNNELED, provided);
	if (err == MPI_SUCCESS) {
		MPI_Comm_set_errhandler(MPI_COMM_WORLD, MPI_ERRORS_RETURN);
	}
	return err;
}
static int dn_rank(int *r) { return MPI_Comm_rank(MPI_COMM_WORLD, r); }
static int dn_size(int *s) { return MPI_Comm_size(MPI_COMM_WORLD, s); }
static int dn_local_size(int *s) {
	MPI_Comm local;
	int err = MPI_Comm_split_type(MPI_COMM_WORLD, MPI_COMM_TYPE_SHARED, 0, MPI_INFO_NULL, &local);
	if (err != MPI_SUCCESS) {
		return err;
	}
	err = MPI_Comm_size(local, s);
	MPI_Comm_free(&local);
	return err;
}
static int dn_allreduce_float(float *buf, int n) {
	return MPI_Allreduce(MPI_IN_PLACE, buf, n, MPI_FLOAT, MPI_SUM, MPI_COMM_WORLD);
}
static int dn_bcast_double(double *buf, int n) {
	return MPI_Bcast(buf, n, MPI_DOUBLE, 0, MPI_COMM_WORLD);
}
static int dn_finalize(void) { return MPI_Finalize(); }
static void dn_abort(int code) { MPI_Abort(MPI_COMM_WORLD, code); }
static void dn_error_string(int code, char *buf, int *n) {
	if (MPI_Error_string(code, buf, n) != MPI_SUCCESS) {
		*n = 0;
	}
}
*/
import "C"

import (
	"fmt"
	"math"
	"os"
	"runtime"
	"unsafe"
)

// Comm is MPI_COMM_WORLD, joined by Init.
type Comm struct {
	rank, size, local int
}

var world *Comm

// Init initialises MPI (MPI_Init_thread with MPI_THREAD_FUNNELED, errors
// returned rather than fatal) and returns MPI_COMM_WORLD. It locks the
// calling goroutine to its thread: call every method from it. A second
// call returns the same Comm.
func Init() (*Comm, error) {
	if world != nil {
		return world, nil
	}
	runtime.LockOSThread()
	if _, set := os.LookupEnv("OMPI_MCA_opal_signal"); !set {
		os.Setenv("OMPI_MCA_opal_signal", "") // leave SIGSEGV and the like to Go
	}
	var provided C.int
	if err := check("MPI_Init_thread", C.dn_init(&provided)); err != nil {
		return nil, err
	}
	if provided < C.MPI_THREAD_FUNNELED {
		C.dn_abort(1)
		return nil, fmt.Errorf("mpi: MPI_Init_thread gave thread level %d, below MPI_THREAD_FUNNELED", provided)
	}
	var rank, size, local C.int
	for _, c := range []struct {
		op  string
		err C.int
	}{{"MPI_Comm_rank", C.dn_rank(&rank)}, {"MPI_Comm_size", C.dn_size(&size)}, {"MPI_Comm_split_type", C.dn_local_size(&local)}} {
		if err := check(c.op, c.err); err != nil {
			return nil, err
		}
	}
	world = &Comm{rank: int(rank), size: int(size), local: int(local)}
	return world, nil
}

// Rank returns this process's rank in MPI_COMM_WORLD.
func (c *Comm) Rank() int { return c.rank }

// Size returns the number of processes in MPI_COMM_WORLD.
func (c *Comm) Size() int { return c.size }

// LocalSize returns the number of processes on this machine (those that
// share its memory: MPI_COMM_TYPE_SHARED).
func (c *Comm) LocalSize() int { return c.local }

// AllreduceSum sums buf over every process in place (MPI_Allreduce with
// MPI_IN_PLACE, MPI_FLOAT, MPI_SUM), in pieces of at most 2³¹-1 values. It
// does not allocate.
func (c *Comm) AllreduceSum(buf []float32) error {
	for len(buf) > 0 {
		n := min(len(buf), math.MaxInt32)
		if err := check("MPI_Allreduce", C.dn_allreduce_float((*C.float)(unsafe.Pointer(&buf[0])), C.int(n))); err != nil {
			return err
		}
		buf = buf[n:]
	}
	return nil
}

// Broadcast replaces buf by rank 0's (MPI_Bcast of MPI_DOUBLE).
func (c *Comm) Broadcast(buf []float64) error {
	for len(buf) > 0 {
		n := min(len(buf), math.MaxInt32)
		if err := check("MPI_Bcast", C.dn_bcast_double((*C.double)(unsafe.Pointer(&buf[0])), C.int(n))); err != nil {
			return err
		}
		buf = buf[n:]
	}
	return nil
}

// Finalize ends MPI (MPI_Finalize): every process must call it, after its
// last collective call.
func (c *Comm) Finalize() error { return check("MPI_Finalize", C.dn_finalize()) }

// Abort ends every process of MPI_COMM_WORLD with the exit status code
// (MPI_Abort): for a process that fails while others may be waiting for it
// in a collective call, where Finalize would wait for ever.
func (c *Comm) Abort(code int) { C.dn_abort(C.int(code)) }

// Error is an MPI call that failed.
type Error struct {
	Op   string
	Code int
	Msg  string
}

func (e *Error) Error() string { return fmt.Sprintf("mpi: %s: %s (error %d)", e.Op, e.Msg, e.Code) }

// check returns nil for MPI_SUCCESS, else an *Error with MPI's message.
func check(op string, code C.int) error {
	if code == C.MPI_SUCCESS {
		return nil
	}
	var buf [C.MPI_MAX_ERROR_STRING]C.char
	var n C.int
	C.dn_error_string(code, &buf[0], &n)
	return &Error{Op: op, Code: int(code), Msg: C.GoStringN(&buf[0], n)}
}
