package mpi

import (
	"errors"
	"os"
	"strconv"
)

// ErrNotBuilt is Init's error in a binary built without the tag mpi.
var ErrNotBuilt = errors.New("this deepnet was built without MPI; build it with go build -tags mpi (cgo, and an MPI such as Debian's libopenmpi-dev)")

// Launched reports whether this process is one of several that an MPI
// launcher started, and how many: Open MPI's mpirun sets
// OMPI_COMM_WORLD_SIZE, MPICH's and Slurm's PMI-2 set PMI_SIZE, and srun
// with PMIx sets PMIX_RANK beside SLURM_STEP_NUM_TASKS. One process (mpirun
// -np 1) is not "several".
func Launched() (size int, ok bool) {
	for _, name := range []string{"OMPI_COMM_WORLD_SIZE", "PMI_SIZE"} {
		if n, err := strconv.Atoi(os.Getenv(name)); err == nil {
			return n, n > 1
		}
	}
	if _, pmix := os.LookupEnv("PMIX_RANK"); pmix {
		if n, err := strconv.Atoi(os.Getenv("SLURM_STEP_NUM_TASKS")); err == nil {
			return n, n > 1
		}
	}
	return 1, false
}
