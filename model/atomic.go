package model

import (
	"io"

	"github.com/deepnet-go/deepnet/internal/atomicfile"
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
	return atomicfile.Write(path, func(w io.Writer) error { return Write(w, f) })
}
