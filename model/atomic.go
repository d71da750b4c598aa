package model

import (
	"bufio"
	"os"
	"path/filepath"
	"runtime"
)

// WriteFileAtomic writes f to path so that path holds either its previous
// content or the whole new file, never part of one, even if the process or
// the machine stops midway: it writes a temporary file in the same
// directory, flushes it to disk (fsync), renames it to path and flushes the
// directory. On any error the temporary file is removed and path is left as
// it was. The file's mode is 0644.
func WriteFileAtomic(path string, f *File) (err error) {
	if err := check(f); err != nil {
		return err
	}
	dir, base := filepath.Split(path)
	if dir == "" {
		dir = "."
	}
	tmp, err := os.CreateTemp(dir, "."+base+".tmp-*")
	if err != nil {
		return err
	}
	renamed := false
	defer func() {
		if err != nil && !renamed {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	w := bufio.NewWriterSize(tmp, chunk)
	if err := Write(w, f); err != nil {
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
	if err := tmp.Close(); err != nil {
		return err
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return err
	}
	renamed = true
	return syncDir(dir)
}

// syncDir flushes a directory's entries to disk, so that a rename in it
// survives a crash. Windows cannot open directories for this; there the
// rename is left to the file system.
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
