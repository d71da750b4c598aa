// Package atomicfile writes files so that a reader, or the same path after a
// crash, sees either the old file or the whole new one, never part of one.
//
// A save writes to a temporary file ".NAME.tmp-DIGITS" beside the target
// NAME, holding an advisory lock on it (flock, which the kernel drops when
// the process dies). A process killed mid-save leaves that file behind; the
// next save to the same target removes it, since no process holds its lock.
// Where there are no such locks, a leftover is removed once it is
// StaleAfter old (see StaleAfter for why a running save's file is never
// taken for one).
package atomicfile

import (
	"bufio"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"time"
)

// Write creates or replaces path with the bytes write produces: they go to
// a temporary file in the same directory (buffered), which is synced to
// disk, given mode 0644 and renamed over path; then the directory is synced
// so that the rename survives a crash. On any error the temporary file is
// removed and path is left as it was. Before it starts, Write removes the
// temporary files of saves to the same path that were interrupted (see
// the package comment); it touches no other file.
func Write(path string, write func(io.Writer) error) (err error) {
	dir, base := filepath.Split(path)
	if dir == "" {
		dir = "."
	}
	removeStale(dir, base, time.Now())
	tmp, err := os.CreateTemp(dir, tempPrefix(base)+"*")
	if err != nil {
		return err
	}
	stopTouching := lockTemp(tmp)
	renamed := false
	defer func() {
		stopTouching()
		if err != nil && !renamed {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	w := bufio.NewWriterSize(tmp, 1<<16)
	if err := write(w); err != nil {
		return err
	}
	if err := w.Flush(); err != nil {
		return err
	}
	if err := tmp.Chmod(0o644); err != nil && runtime.GOOS != "windows" {
		return err
	}
	if err := tmp.Sync(); err != nil {
		return err
	}
	stopTouching()
	if err := tmp.Close(); err != nil {
		return err
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return err
	}
	renamed = true
	return syncDir(dir)
}

// syncDir flushes a directory's entries to disk. Windows cannot open
// directories for this; there the rename is left to the file system.
func syncDir(dir string) error {
	if runtime.GOOS == "windows" {
		return nil
	}
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	return d.Sync()
}
