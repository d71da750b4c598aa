package main

import (
	"errors"
	"flag"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"syscall"
)

// outputs are the flags of a command that name files or directories it
// will write. check tells, before a command loads or trains anything,
// whether they can be written, so that an hour of training is not lost to
// a typo in a path at the end.
type outputs []output

// output is one flag naming a path to write.
type output struct {
	flag string
	path *string
	kind outputKind
}

type outputKind int

const (
	// replaced: a file written whole at the end, atomically (a temporary
	// file in its directory, renamed over it): model files, PNGs.
	replaced outputKind = iota
	// inPlace: a file opened and written as the run goes (metrics, a CPU
	// profile): an existing one must be writable itself.
	inPlace
	// directory: a directory that files are written into, created when
	// missing.
	directory
)

// file declares a flag that names a file written whole at the end.
func (o *outputs) file(fs *flag.FlagSet, name, usage string) *string {
	return o.add(fs, name, usage, replaced)
}

// stream declares a flag that names a file written as the run goes.
func (o *outputs) stream(fs *flag.FlagSet, name, usage string) *string {
	return o.add(fs, name, usage, inPlace)
}

// dir declares a flag that names a directory written into.
func (o *outputs) dir(fs *flag.FlagSet, name, usage string) *string {
	return o.add(fs, name, usage, directory)
}

func (o *outputs) add(fs *flag.FlagSet, name, usage string, kind outputKind) *string {
	p := fs.String(name, "", usage)
	*o = append(*o, output{flag: name, path: p, kind: kind})
	return p
}

// check reports the first output that cannot be written: a file whose
// path is an existing directory (or a directory whose path is a file), an
// existing file written in place that cannot be opened for writing, or a
// directory that does not exist and cannot be created, or is not
// writable. It creates nothing and truncates nothing: a directory's
// writability is tried with an empty temporary file, removed at once, in
// the nearest directory that exists.
func (o outputs) check() error {
	for _, out := range o {
		if *out.path == "" {
			continue
		}
		if err := checkWritable(*out.path, out.kind); err != nil {
			return fmt.Errorf("--%s %s: %v", out.flag, *out.path, err)
		}
	}
	return nil
}

func checkWritable(path string, kind outputKind) error {
	st, err := os.Stat(path)
	if err != nil {
		if !notExist(err) {
			return unwrapPath(err)
		}
		if kind == directory {
			return writableAncestor(path)
		}
		return writableAncestor(filepath.Dir(path))
	}
	switch {
	case kind == directory && !st.IsDir():
		return errors.New("is a file, not a directory")
	case kind == directory:
		return probeDir(path)
	case st.IsDir():
		return errors.New("is a directory, not a file")
	case kind == inPlace && !st.Mode().IsRegular():
		return nil // a device or a pipe, such as /dev/stdout
	case kind == replaced && !st.Mode().IsRegular():
		// A new file is renamed over the path: it would replace a device
		// or a pipe, not write into it.
		return errors.New("is not a regular file, and would be replaced by one")
	case kind == inPlace:
		f, err := os.OpenFile(path, os.O_WRONLY, 0) // no O_TRUNC: the file stays as it is
		if err != nil {
			return fmt.Errorf("cannot be written: %v", unwrapPath(err))
		}
		return f.Close()
	}
	return probeDir(filepath.Dir(path))
}

// writableAncestor reports whether dir is, or can be created as, a
// writable directory: its nearest existing ancestor must be a directory
// that takes a new file.
func writableAncestor(dir string) error {
	for d := dir; ; {
		st, err := os.Stat(d)
		if err == nil {
			if !st.IsDir() {
				return fmt.Errorf("%s is not a directory", d)
			}
			return probeDir(d)
		}
		if !notExist(err) {
			return unwrapPath(err)
		}
		parent := filepath.Dir(d)
		if parent == d {
			return unwrapPath(err)
		}
		d = parent
	}
}

// probeDir reports whether a file can be created in the directory dir, by
// creating an empty one and removing it.
func probeDir(dir string) error {
	f, err := os.CreateTemp(dir, ".deepnet-write-check-*")
	if err != nil {
		return fmt.Errorf("cannot write into directory %s: %v", dir, unwrapPath(err))
	}
	name := f.Name()
	f.Close()
	return os.Remove(name)
}

// notExist reports whether err says a path is not there, because it or a
// directory above it is missing, or something above it is a file (the
// walk up finds that file).
func notExist(err error) bool {
	return errors.Is(err, fs.ErrNotExist) || errors.Is(err, syscall.ENOTDIR)
}

// unwrapPath returns the reason of a *fs.PathError without its path and
// operation, which the messages above give themselves.
func unwrapPath(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// makeParent creates the directory of the file path, if missing, before
// the file is written.
func makeParent(path string) error {
	if dir := filepath.Dir(path); dir != "." {
		return os.MkdirAll(dir, 0o755)
	}
	return nil
}
