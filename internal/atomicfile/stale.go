package atomicfile

import (
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"
)

// StaleAfter is how long a temporary file of a target must have gone
// unmodified before Write, saving to the same target, removes it as the
// leftover of an interrupted save.
//
// The rule rests on liveness: while its write function runs, Write
// refreshes the modification time of its own temporary file every
// touchEvery (one minute, a tenth of StaleAfter), whether or not the function
// is producing bytes. So a temporary file that nobody has modified for
// StaleAfter belongs to no running Write: its process was killed, crashed
// or lost power. Two savers of the same target in the same moment never
// remove each other's files; each renames its own, and the target ends up
// whole, from whichever renamed last.
//
// The one case the rule cannot tell from a dead saver is a live one that
// has been stopped (SIGSTOP, a suspended machine) for longer than
// StaleAfter. If another save removes its temporary file meanwhile, that
// saver's rename fails when it resumes: its Write returns an error and the
// target keeps the other save's whole content. On Windows the removal of a
// file still open fails, so that file is left for a later save.
const StaleAfter = 10 * time.Minute

// touchEvery is how often a running Write refreshes its temporary file's
// modification time.
var touchEvery = time.Minute

// tempPrefix returns the prefix of the temporary files of target base:
// Write's temporary files are named prefix followed by decimal digits (the
// random part os.CreateTemp puts in place of "*").
func tempPrefix(base string) string { return "." + base + ".tmp-" }

// isTempOf reports whether name is a temporary file name with the given
// prefix: the prefix followed by one or more decimal digits and nothing
// else, so that the temporary files of other targets never match (those
// of "f.tmp-1", ".f.tmp-1.tmp-123", end in more than digits).
func isTempOf(name, prefix string) bool {
	rest, ok := strings.CutPrefix(name, prefix)
	if !ok || rest == "" {
		return false
	}
	for _, c := range rest {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

// removeStale removes the regular files in dir that are temporary files of
// target base and were last modified StaleAfter or more before now. It is
// best effort: errors leave the files where they are.
func removeStale(dir, base string, now time.Time) {
	ents, err := os.ReadDir(dir)
	if err != nil {
		return
	}
	prefix := tempPrefix(base)
	for _, e := range ents {
		if !e.Type().IsRegular() || !isTempOf(e.Name(), prefix) {
			continue
		}
		info, err := e.Info()
		if err != nil || now.Sub(info.ModTime()) < StaleAfter {
			continue
		}
		os.Remove(filepath.Join(dir, e.Name()))
	}
}

// keepFresh sets the modification time of the file name to the current
// time every touchEvery until stop is called; stop returns once it has
// stopped, and may be called more than once.
func keepFresh(name string) (stop func()) {
	done, finished := make(chan struct{}), make(chan struct{})
	go func() {
		defer close(finished)
		t := time.NewTicker(touchEvery)
		defer t.Stop()
		for {
			select {
			case <-done:
				return
			case now := <-t.C:
				os.Chtimes(name, time.Time{}, now)
			}
		}
	}()
	var once sync.Once
	return func() {
		once.Do(func() {
			close(done)
			<-finished
		})
	}
}
