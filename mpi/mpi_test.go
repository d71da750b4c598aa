//go:build mpi && cgo

package mpi

import (
	"os"
	"os/exec"
	"testing"
)

// TestWorld runs itself under mpirun as three processes (the child is the
// same test with DEEPNET_MPI_CHILD set), which sum and broadcast buffers.
func TestWorld(t *testing.T) {
	if os.Getenv("DEEPNET_MPI_CHILD") != "" {
		child(t)
		return
	}
	mpirun, err := exec.LookPath("mpirun")
	if err != nil {
		t.Skip("mpirun not found (apt-get install openmpi-bin libopenmpi-dev)")
	}
	args := []string{"-np", "3", "--oversubscribe", "--mca", "mpi_yield_when_idle", "1"}
	if os.Geteuid() == 0 {
		args = append(args, "--allow-run-as-root")
	}
	cmd := exec.Command(mpirun, append(args, os.Args[0], "-test.run", "^TestWorld$", "-test.v")...)
	cmd.Env = append(os.Environ(), "DEEPNET_MPI_CHILD=1")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("mpirun: %v\n%s", err, out)
	}
	t.Logf("%s", out)
}

// child is one process of TestWorld.
func child(t *testing.T) {
	if size, ok := Launched(); size != 3 || !ok {
		t.Fatalf("Launched() = %d, %v under mpirun -np 3", size, ok)
	}
	c, err := Init()
	if err != nil {
		t.Fatal(err)
	}
	if again, err := Init(); again != c || err != nil {
		t.Errorf("Init again: %p, %v; want %p", again, err, c)
	}
	r := c.Rank()
	if c.Size() != 3 || r < 0 || r > 2 || c.LocalSize() != 3 {
		t.Errorf("rank %d, size %d, local size %d", r, c.Size(), c.LocalSize())
	}
	buf := []float32{float32(r), 1, float32(r * r), -0.5}
	if err := c.AllreduceSum(buf); err != nil {
		t.Fatal(err)
	}
	if want := []float32{3, 3, 5, -1.5}; buf[0] != want[0] || buf[1] != want[1] || buf[2] != want[2] || buf[3] != want[3] {
		t.Errorf("rank %d: sum %v, want %v", r, buf, want)
	}
	if err := c.AllreduceSum(nil); err != nil {
		t.Errorf("an empty sum: %v", err)
	}
	b := []float64{float64(r) + 0.25, 1e300 * float64(r)}
	if err := c.Broadcast(b); err != nil {
		t.Fatal(err)
	}
	if b[0] != 0.25 || b[1] != 0 {
		t.Errorf("rank %d: broadcast gave %v, want rank 0's [0.25 0]", r, b)
	}
	if a := testing.AllocsPerRun(10, func() { c.AllreduceSum(buf) }); a != 0 {
		t.Errorf("%v allocations per AllreduceSum", a)
	}
	if err := c.Finalize(); err != nil {
		t.Fatal(err)
	}
}
