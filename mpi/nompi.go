//go:build !mpi || !cgo

package mpi

// Comm is MPI_COMM_WORLD; in this build (without the tag mpi) there is
// none, and its methods are never reached.
type Comm struct{}

// Init returns ErrNotBuilt: this binary was built without the tag mpi.
func Init() (*Comm, error) { return nil, ErrNotBuilt }

// Rank returns 0.
func (c *Comm) Rank() int { return 0 }

// Size returns 1.
func (c *Comm) Size() int { return 1 }

// LocalSize returns 1.
func (c *Comm) LocalSize() int { return 1 }

// AllreduceSum returns ErrNotBuilt.
func (c *Comm) AllreduceSum([]float32) error { return ErrNotBuilt }

// Broadcast returns ErrNotBuilt.
func (c *Comm) Broadcast([]float64) error { return ErrNotBuilt }

// Finalize returns nil.
func (c *Comm) Finalize() error { return nil }

// Abort does nothing.
func (c *Comm) Abort(int) {}
