//go:build unix

package atomicfile

import (
	"os"
	"path/filepath"
	"slices"
	"syscall"
	"testing"
	"time"
)

// TestLeftoverRemovedAtOnce: where saves hold a lock on their temporary
// file, the leftover of a killed save (a temporary file nobody holds the
// lock of) is removed by the very next save, not StaleAfter later; a file
// whose lock another open file holds (a save in another process) is kept,
// however old.
func TestLeftoverRemovedAtOnce(t *testing.T) {
	dir := t.TempDir()
	recent := time.Now().Add(-2 * lockGrace)
	for _, name := range []string{".f.tmp-1", ".f.tmp-2"} {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte("partial"), 0o600); err != nil {
			t.Fatal(err)
		}
		os.Chtimes(p, recent, recent)
	}
	live, err := os.Open(filepath.Join(dir, ".f.tmp-2"))
	if err != nil {
		t.Fatal(err)
	}
	defer live.Close()
	if err := syscall.Flock(int(live.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		t.Fatal(err)
	}
	if err := writeString(filepath.Join(dir, "f"), "whole"); err != nil {
		t.Fatal(err)
	}
	if got, want := names(t, dir), []string{".f.tmp-2", "f"}; !slices.Equal(got, want) {
		t.Fatalf("directory holds %q, want %q", got, want)
	}
}
