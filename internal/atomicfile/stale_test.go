package atomicfile

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
)

func writeString(path, s string) error {
	return Write(path, func(w io.Writer) error { _, err := io.WriteString(w, s); return err })
}

// names returns the sorted names in dir.
func names(t *testing.T, dir string) []string {
	t.Helper()
	ents, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range ents {
		out = append(out, e.Name())
	}
	return out
}

// TestTempName checks that Write's temporary file has the name removeStale
// looks for, so that a change in os.CreateTemp's names cannot silently stop
// the cleaning.
func TestTempName(t *testing.T) {
	dir := t.TempDir()
	var seen []string
	err := Write(filepath.Join(dir, "model.safetensors"), func(w io.Writer) error {
		seen = names(t, dir)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(seen) != 1 || !isTempOf(seen[0], tempPrefix("model.safetensors")) {
		t.Fatalf("during the write the directory holds %q, want one temporary file .model.safetensors.tmp-DIGITS", seen)
	}
}

func TestIsTempOf(t *testing.T) {
	p := tempPrefix("f")
	for name, want := range map[string]bool{
		".f.tmp-123":       true,
		".f.tmp-0":         true,
		".f.tmp-":          false,
		".f.tmp-12a":       false,
		".f.tmp-1.tmp-123": false, // a temporary file of "f.tmp-1"
		"f.tmp-123":        false,
		".g.tmp-123":       false,
		".ff.tmp-123":      false,
		".f.tmp-123.bak":   false,
		"f":                false,
	} {
		if got := isTempOf(name, p); got != want {
			t.Errorf("isTempOf(%q, %q) = %v, want %v", name, p, got, want)
		}
	}
}

// TestRemovesStaleTempOfSameTarget leaves, beside the target, temporary
// files of interrupted saves (old), of a save in progress (recent), of other
// targets, and look-alikes, then saves: only the old temporary files of the
// same target go.
func TestRemovesStaleTempOfSameTarget(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "f")
	old := time.Now().Add(-StaleAfter - time.Minute)
	for _, name := range []string{
		".f.tmp-111", ".f.tmp-222", // interrupted saves of f: removed
		".f.tmp-333",                     // recent: a save in progress
		".g.tmp-444", ".f.tmp-1.tmp-555", // other targets' (g, f.tmp-1)
		".f.tmp-666x", "f.tmp-777", ".f.tmp-", // look-alikes
	} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte("partial"), 0o600); err != nil {
			t.Fatal(err)
		}
		if name != ".f.tmp-333" {
			os.Chtimes(filepath.Join(dir, name), old, old)
		}
	}
	if err := os.Mkdir(filepath.Join(dir, ".f.tmp-888"), 0o755); err != nil { // not a regular file
		t.Fatal(err)
	}
	os.Chtimes(filepath.Join(dir, ".f.tmp-888"), old, old)
	if err := writeString(path, "whole"); err != nil {
		t.Fatal(err)
	}
	want := []string{".f.tmp-", ".f.tmp-1.tmp-555", ".f.tmp-333", ".f.tmp-666x", ".f.tmp-888", ".g.tmp-444", "f", "f.tmp-777"}
	if got := names(t, dir); !slices.Equal(got, want) {
		t.Fatalf("after the save the directory holds\n%q\nwant\n%q", got, want)
	}
	// A save to g removes g's stale file and nothing else.
	if err := writeString(filepath.Join(dir, "g"), "g"); err != nil {
		t.Fatal(err)
	}
	if got := names(t, dir); slices.Contains(got, ".g.tmp-444") || len(got) != len(want) {
		t.Fatalf("after saving g the directory holds %q", got)
	}
}

// TestLiveWriterKeepsItsTemp runs a save whose write function is slow,
// with its temporary file's modification time set far in the past, and
// checks that a concurrent save of the same target does not take it for a
// leftover: the running save holds its lock (or, without locks, its toucher
// makes it fresh again).
func TestLiveWriterKeepsItsTemp(t *testing.T) {
	defer func(d time.Duration) { touchEvery = d }(touchEvery)
	touchEvery = 5 * time.Millisecond
	dir := t.TempDir()
	path := filepath.Join(dir, "f")
	started, release := make(chan string), make(chan struct{})
	var wg sync.WaitGroup
	var slowErr error
	wg.Go(func() {
		slowErr = Write(path, func(w io.Writer) error {
			ents, err := os.ReadDir(dir)
			if err != nil || len(ents) != 1 {
				close(started)
				return fmt.Errorf("directory holds %v (%v), want one temporary file", ents, err)
			}
			// Pretend the function has been silent for longer than
			// StaleAfter.
			old := time.Now().Add(-2 * StaleAfter)
			os.Chtimes(filepath.Join(dir, ents[0].Name()), old, old)
			started <- ents[0].Name()
			<-release
			_, err = io.WriteString(w, "slow")
			return err
		})
	})
	tmp, ok := <-started
	if !ok {
		wg.Wait()
		t.Fatal(slowErr)
	}
	deadline := time.Now().Add(10 * time.Second)
	for {
		st, err := os.Stat(filepath.Join(dir, tmp))
		if err != nil {
			t.Fatal(err)
		}
		release, gone := abandoned(filepath.Join(dir, tmp), st, time.Now())
		if !gone {
			break
		}
		release()
		if time.Now().After(deadline) {
			t.Fatalf("the temporary file of a running save looks abandoned (%v old)", time.Since(st.ModTime()))
		}
		time.Sleep(time.Millisecond)
	}
	// A second saver of the same target comes and goes meanwhile.
	if err := writeString(path, "fast"); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(dir, tmp)); err != nil {
		t.Fatalf("the concurrent save removed the running save's temporary file: %v", err)
	}
	close(release)
	wg.Wait()
	if slowErr != nil {
		t.Fatal(slowErr)
	}
	if got, _ := os.ReadFile(path); string(got) != "slow" {
		t.Fatalf("target holds %q, want the last rename's %q", got, "slow")
	}
	if got := names(t, dir); !slices.Equal(got, []string{"f"}) {
		t.Fatalf("directory holds %q, want only f", got)
	}
}

// TestConcurrentSavers runs many saves of one target at once: each
// succeeds, the target holds one of them whole, and no temporary file is
// left.
func TestConcurrentSavers(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "f")
	var wg sync.WaitGroup
	errs := make([]error, 8)
	for i := range errs {
		wg.Go(func() {
			errs[i] = Write(path, func(w io.Writer) error {
				_, err := io.WriteString(w, strings.Repeat(string(rune('a'+i)), 100000))
				return err
			})
		})
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Fatalf("save %d: %v", i, err)
		}
	}
	got, _ := os.ReadFile(path)
	if len(got) != 100000 || strings.Count(string(got), string(got[:1])) != 100000 {
		t.Fatalf("target holds a mix of saves or a partial one (%d bytes)", len(got))
	}
	if ns := names(t, dir); !slices.Equal(ns, []string{"f"}) {
		t.Fatalf("directory holds %q, want only f", ns)
	}
}

// TestRemovedTempFailsTheSave is the stopped-saver case of StaleAfter: when
// a save's temporary file is removed under it, the save fails and the
// target keeps its content.
func TestRemovedTempFailsTheSave(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("an open file cannot be removed on Windows")
	}
	dir := t.TempDir()
	path := filepath.Join(dir, "f")
	if err := writeString(path, "other save"); err != nil {
		t.Fatal(err)
	}
	err := Write(path, func(w io.Writer) error {
		for _, n := range names(t, dir) {
			if n != "f" {
				os.Remove(filepath.Join(dir, n))
			}
		}
		_, err := io.WriteString(w, "stopped save")
		return err
	})
	if err == nil {
		t.Fatal("no error from a save whose temporary file was removed")
	}
	if got, _ := os.ReadFile(path); string(got) != "other save" {
		t.Fatalf("target holds %q", got)
	}
}
