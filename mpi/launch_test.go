package mpi

import (
	"os"
	"testing"
)

func TestLaunched(t *testing.T) {
	for _, c := range []struct {
		env  map[string]string
		size int
		ok   bool
	}{
		{map[string]string{}, 1, false},
		{map[string]string{"OMPI_COMM_WORLD_SIZE": "4"}, 4, true},
		{map[string]string{"OMPI_COMM_WORLD_SIZE": "1"}, 1, false},
		{map[string]string{"PMI_SIZE": "2"}, 2, true},
		{map[string]string{"PMIX_RANK": "0", "SLURM_STEP_NUM_TASKS": "8"}, 8, true},
		{map[string]string{"SLURM_STEP_NUM_TASKS": "8"}, 1, false}, // srun without an MPI's PMI
	} {
		for _, name := range []string{"OMPI_COMM_WORLD_SIZE", "PMI_SIZE", "PMIX_RANK", "SLURM_STEP_NUM_TASKS"} {
			t.Setenv(name, c.env[name])
		}
		// t.Setenv set "" for the absent ones (and restores them after
		// the test); LookupEnv must not find PMIX_RANK then.
		if _, ok := c.env["PMIX_RANK"]; !ok {
			os.Unsetenv("PMIX_RANK")
		}
		if size, ok := Launched(); size != c.size || ok != c.ok {
			t.Errorf("%v: Launched() = %d, %v; want %d, %v", c.env, size, ok, c.size, c.ok)
		}
	}
}
