package atomicfile

import (
	"os"
	"path/filepath"
	"strings"
	"time"
)

// StaleAfter is, where advisory locks are not available (see lockTemp),
// how long a temporary file of a target must have gone unmodified before
// Write, saving to the same target, removes it as the leftover of an
// interrupted save. There a running Write refreshes its temporary file's
// modification time every touchEvery (a tenth of StaleAfter), whether or
// not its function is producing bytes, so a file nobody has modified for
// StaleAfter belongs to no running Write. The one case that rule cannot
// tell from a dead saver is a live one stopped (SIGSTOP, a suspended
// machine) for longer than StaleAfter: if another save removes its
// temporary file meanwhile, its rename fails when it resumes, its Write
// returns an error and the target keeps the other save's whole content.
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
// target base and belong to no running save (see abandoned). It is best
// effort: errors leave the files where they are.
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
		if err != nil {
			continue
		}
		name := filepath.Join(dir, e.Name())
		if release, ok := abandoned(name, info, now); ok {
			os.Remove(name)
			release()
		}
	}
}
