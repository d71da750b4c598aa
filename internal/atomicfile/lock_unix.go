//go:build unix

package atomicfile

import (
	"io/fs"
	"os"
	"syscall"
	"time"
)

// lockGrace is how recently created a temporary file may be and still be
// one whose saver has not taken its lock yet (Write takes it right after
// creating the file).
const lockGrace = time.Second

// lockTemp takes an exclusive advisory lock on the temporary file f for as
// long as the save runs; unlock releases it (closing f, or the process's
// death, does too).
func lockTemp(f *os.File) (unlock func()) {
	fd := int(f.Fd())
	if syscall.Flock(fd, syscall.LOCK_EX|syscall.LOCK_NB) != nil {
		return func() {}
	}
	return func() { syscall.Flock(fd, syscall.LOCK_UN) }
}

// abandoned reports whether the temporary file name belongs to no running
// save: nobody holds its lock. When it does, it returns with the lock held
// by the caller until release.
func abandoned(name string, info fs.FileInfo, now time.Time) (release func(), ok bool) {
	if now.Sub(info.ModTime()) < lockGrace {
		return nil, false
	}
	f, err := os.Open(name)
	if err != nil {
		return nil, false
	}
	if syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB) != nil {
		f.Close()
		return nil, false
	}
	return func() { f.Close() }, true
}
