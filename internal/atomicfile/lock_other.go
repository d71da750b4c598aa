//go:build !unix

package atomicfile

import (
	"io/fs"
	"os"
	"sync"
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
