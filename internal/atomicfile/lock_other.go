//go:build !unix

package atomicfile

import (
	"io/fs"
	"os"
	"time"
)

// lockTemp keeps the temporary file f fresh while the save runs (see
// StaleAfter): without advisory locks, freshness is the sign of a live
// save.
func lockTemp(f *os.File) (unlock func()) { return keepFresh(f.Name()) }

// abandoned reports whether the temporary file name has gone unmodified
// for StaleAfter.
func abandoned(name string, info fs.FileInfo, now time.Time) (release func(), ok bool) {
	return func() {}, now.Sub(info.ModTime()) >= StaleAfter
}
