// Package mpi joins the processes that an MPI launcher started (mpirun,
// mpiexec, or srun under Slurm) into a train.Comm, for synchronous
// data-parallel training: World's Comm sums buffers with MPI_Allreduce
// and broadcasts with MPI_Bcast over MPI_COMM_WORLD.
//
// The binding uses cgo and is compiled only with the build tag mpi (go
// build -tags mpi, with an MPI's C headers and library where pkg-config
// finds them as "mpi": Debian's libopenmpi-dev). Without the tag the
// package holds no C: Launched still reads the launcher's environment, and
// Init returns ErrNotBuilt, so that a default (pure Go) binary started by
// mpirun says how to build one that is not, instead of training the same
// model once per process.
//
// MPI is called from one goroutine: Init locks the goroutine that calls it
// to its operating-system thread (MPI_THREAD_FUNNELED), and every method
// must be called from that goroutine. Open MPI's handlers of SIGSEGV,
// SIGBUS, SIGFPE and SIGABRT are turned off (the MCA parameter
// opal_signal, unless the environment sets it), so that Go's own handlers
// keep turning a nil dereference into a panic.
package mpi
