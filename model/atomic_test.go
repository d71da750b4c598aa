package model

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
)

// dirNames lists a directory's entries.
func dirNames(t *testing.T, dir string) []string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	return names
}

func TestWriteFileAtomic(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "f.safetensors")
	if err := WriteFileAtomic(path, sampleFile()); err != nil {
		t.Fatal(err)
	}
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(raw, writeBytes(t, sampleFile())) {
		t.Fatal("file differs from Write's output")
	}
	if names := dirNames(t, dir); len(names) != 1 {
		t.Fatalf("directory holds %v, want only the file", names)
	}
	if st, _ := os.Stat(path); st.Mode().Perm() != 0o644 {
		t.Fatalf("mode %v", st.Mode())
	}
}

// TestWriteFileAtomicFailures: a failed write leaves the target as it was
// (absent, or its old content) and no temporary file behind.
func TestWriteFileAtomicFailures(t *testing.T) {
	dir := t.TempDir()
	old := []byte("old content")
	bad := &File{Tensors: []Tensor{{Name: "x", Shape: []int{2}, Data: []float32{1}}}}

	// Invalid tensors: nothing written over an existing file.
	path := filepath.Join(dir, "keep.safetensors")
	if err := os.WriteFile(path, old, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := WriteFileAtomic(path, bad); err == nil {
		t.Fatal("invalid tensor accepted")
	}
	if raw, _ := os.ReadFile(path); !bytes.Equal(raw, old) {
		t.Fatal("failed write changed the target")
	}

	// The rename fails (the target is a non-empty directory) after the
	// temporary file was written in full.
	target := filepath.Join(dir, "adir")
	if err := os.MkdirAll(filepath.Join(target, "inner"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := WriteFileAtomic(target, sampleFile()); err == nil {
		t.Fatal("rename over a directory succeeded")
	}
	if names := dirNames(t, dir); len(names) != 2 {
		t.Fatalf("directory holds %v after failed writes, want only keep.safetensors and adir", names)
	}

	// The directory does not exist.
	if err := WriteFileAtomic(filepath.Join(dir, "no", "f.safetensors"), sampleFile()); err == nil {
		t.Fatal("write into a missing directory succeeded")
	}

	// The directory is not writable (root may write anyway).
	ro := filepath.Join(dir, "ro")
	if err := os.Mkdir(ro, 0o555); err != nil {
		t.Fatal(err)
	}
	defer os.Chmod(ro, 0o755)
	err := WriteFileAtomic(filepath.Join(ro, "f.safetensors"), sampleFile())
	if names := dirNames(t, ro); err == nil && len(names) != 1 || err != nil && len(names) != 0 {
		t.Fatalf("read-only directory: err %v, entries %v", err, names)
	}
}
