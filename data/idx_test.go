package data

import (
	"bytes"
	"compress/gzip"
	"encoding/binary"
	"errors"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"
)

// idxBytes builds an IDX file by hand: header for typ and dims, then data.
func idxBytes(typ byte, dims []uint32, data []byte) []byte {
	b := []byte{0, 0, typ, byte(len(dims))}
	for _, d := range dims {
		b = binary.BigEndian.AppendUint32(b, d)
	}
	return append(b, data...)
}

func gz(t testing.TB, b []byte) []byte {
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	if _, err := zw.Write(b); err != nil {
		t.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func seq(n int) []byte {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(i * 7)
	}
	return b
}

func TestIDXRoundTrip(t *testing.T) {
	for _, x := range []*IDX{
		{Type: TypeUint8, Dims: []int{3, 4, 5}, Data: seq(60)},
		{Type: TypeUint8, Dims: []int{7}, Data: seq(7)},
		{Type: TypeInt16, Dims: []int{2, 3}, Data: seq(12)},
		{Type: TypeFloat64, Dims: []int{1, 1, 1, 2}, Data: seq(16)},
	} {
		var buf bytes.Buffer
		if err := WriteIDX(&buf, x); err != nil {
			t.Fatal(err)
		}
		for _, in := range [][]byte{buf.Bytes(), gz(t, buf.Bytes())} {
			y, err := ReadIDX(bytes.NewReader(in), "mem")
			if err != nil {
				t.Fatal(err)
			}
			if y.Type != x.Type || !slices.Equal(y.Dims, x.Dims) || !bytes.Equal(y.Data, x.Data) {
				t.Fatalf("round trip of %v: got %v", x, y)
			}
		}
	}
}

func TestIDXFileRoundTrip(t *testing.T) {
	dir := t.TempDir()
	x := &IDX{Type: TypeUint8, Dims: []int{10, 28, 28}, Data: seq(7840)}
	for _, name := range []string{"a-idx3-ubyte", "a-idx3-ubyte.gz"} {
		p := filepath.Join(dir, name)
		if err := WriteIDXFile(p, x); err != nil {
			t.Fatal(err)
		}
		raw, _ := os.ReadFile(p)
		if gzipped := raw[0] == 0x1f && raw[1] == 0x8b; gzipped != strings.HasSuffix(name, ".gz") {
			t.Errorf("%s: gzipped=%v", name, gzipped)
		}
		// Overwrite in place: the rename replaces the old file.
		if err := WriteIDXFile(p, x); err != nil {
			t.Fatal(err)
		}
		y, err := ReadIDXFile(p)
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(y.Dims, x.Dims) || !bytes.Equal(y.Data, x.Data) {
			t.Fatalf("%s: round trip differs", name)
		}
	}
	ents, _ := os.ReadDir(dir)
	if len(ents) != 2 {
		t.Errorf("temporary files left behind: %v", ents)
	}
}

func TestWriteIDXRejects(t *testing.T) {
	dir := t.TempDir()
	for _, x := range []*IDX{
		{Type: 0x07, Dims: []int{1}, Data: seq(1)},
		{Type: TypeUint8, Dims: nil, Data: nil},
		{Type: TypeUint8, Dims: []int{0}, Data: nil},
		{Type: TypeUint8, Dims: []int{-1}, Data: nil},
		{Type: TypeUint8, Dims: []int{2, 2}, Data: seq(3)},
		{Type: TypeInt32, Dims: []int{2}, Data: seq(2)},
	} {
		if err := WriteIDX(io.Discard, x); err == nil {
			t.Errorf("WriteIDX(%v) succeeded", x)
		}
		p := filepath.Join(dir, "bad")
		if err := WriteIDXFile(p, x); err == nil {
			t.Errorf("WriteIDXFile(%v) succeeded", x)
		}
		if _, err := os.Stat(p); err == nil {
			t.Errorf("WriteIDXFile(%v) left a file", x)
		}
	}
}

// corrupt lists malformed IDX streams, the offset and a piece of the reason
// each must report.
var corrupt = []struct {
	name   string
	in     []byte
	offset int64
	reason string
}{
	{"empty", nil, 0, "truncated header"},
	{"short magic", []byte{0, 0, 8}, 3, "truncated header"},
	{"zip file", []byte("PK\x03\x04\x14\x00\x00\x00"), 0, "bad magic 504b0304"},
	{"nonzero magic", append([]byte{1, 2}, idxBytes(8, []uint32{1}, seq(1))[2:]...), 0, "bad magic 0102"},
	{"text file", []byte("hello, world\n"), 0, "bad magic"},
	{"bad type", idxBytes(0x07, []uint32{1}, seq(1)), 2, "unsupported element type 0x07"},
	{"no dims", idxBytes(8, nil, nil), 3, "no dimensions"},
	{"truncated dims", idxBytes(8, []uint32{60000, 28, 28}, nil)[:10], 10, "truncated header (3 dimensions)"},
	{"zero dim", idxBytes(8, []uint32{5, 0, 3}, nil), 8, "dimension 1 is zero"},
	{"truncated data", idxBytes(8, []uint32{60000, 28, 28}, seq(1000)), 16, "header claims 60000×28×28 = 47040000 bytes, file has 1000"},
	{"one byte short", idxBytes(8, []uint32{2, 3}, seq(5)), 12, "header claims 2×3 = 6 bytes, file has 5"},
	{"absurd size", idxBytes(8, []uint32{1 << 20, 1 << 20}, seq(10)), 4, "more than the"},
	{"product overflow", idxBytes(0x0E, []uint32{0xffffffff, 0xffffffff, 0xffffffff}, nil), 4, "more than the"},
	{"trailing bytes", idxBytes(8, []uint32{2, 2}, seq(7)), 16, "3 trailing bytes after the data"},
}

func checkFormatError(t *testing.T, err error, file string, offset int64, reason string) {
	t.Helper()
	var fe *FormatError
	if !errors.As(err, &fe) {
		t.Fatalf("error %v (%T), want *FormatError", err, err)
	}
	if fe.File != file || fe.Offset != offset || !strings.Contains(fe.Reason, reason) {
		t.Fatalf("got %q, want file %s, offset %d, reason containing %q", err, file, offset, reason)
	}
	if !strings.HasPrefix(err.Error(), file+": offset ") {
		t.Fatalf("message %q does not start with the file name", err)
	}
}

func TestReadIDXCorrupt(t *testing.T) {
	dir := t.TempDir()
	for _, c := range corrupt {
		t.Run(c.name, func(t *testing.T) {
			// Known size (bytes.Reader), unknown size (plain io.Reader),
			// file on disk, and gzipped.
			_, err := ReadIDX(bytes.NewReader(c.in), "train-images-idx3-ubyte")
			checkFormatError(t, err, "train-images-idx3-ubyte", c.offset, c.reason)
			_, err = ReadIDX(io.MultiReader(bytes.NewReader(c.in)), "stream")
			checkFormatError(t, err, "stream", c.offset, c.reason)
			p := filepath.Join(dir, "f")
			os.WriteFile(p, c.in, 0o644)
			_, err = ReadIDXFile(p)
			checkFormatError(t, err, p, c.offset, c.reason)
			_, err = ReadIDX(bytes.NewReader(gz(t, c.in)), "x.gz")
			checkFormatError(t, err, "x.gz", c.offset, c.reason)
		})
	}
}

func TestReadIDXCorruptGzip(t *testing.T) {
	good := gz(t, idxBytes(8, []uint32{100}, seq(100)))
	flip := slices.Clone(good)
	flip[len(flip)-6] ^= 0xff // CRC-32
	trunc := good[:len(good)-10]
	junk := append(slices.Clone(good), "junk!"...)
	for name, in := range map[string][]byte{"crc": flip, "truncated": trunc, "junk": junk, "header": good[:5]} {
		_, err := ReadIDX(bytes.NewReader(in), name)
		var fe *FormatError
		if !errors.As(err, &fe) || fe.File != name {
			t.Errorf("%s: got %v, want a FormatError", name, err)
		}
	}
}

// TestReadIDXNoBigAlloc feeds a header that claims 4 GiB followed by a few
// bytes, through a reader of unknown size, and checks the reader allocated
// only about what was there.
func TestReadIDXNoBigAlloc(t *testing.T) {
	in := idxBytes(8, []uint32{1 << 16, 1 << 16}, seq(5000))
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	_, err := ReadIDX(io.MultiReader(bytes.NewReader(in)), "big")
	runtime.ReadMemStats(&after)
	checkFormatError(t, err, "big", 12, "header claims 65536×65536 = 4294967296 bytes, file has 5000")
	if got := after.TotalAlloc - before.TotalAlloc; got > 4<<20 {
		t.Errorf("allocated %d bytes for a 5 kB stream", got)
	}
	// The same through gzip, which cannot know the size up front.
	runtime.ReadMemStats(&before)
	_, err = ReadIDX(bytes.NewReader(gz(t, in)), "big.gz")
	runtime.ReadMemStats(&after)
	checkFormatError(t, err, "big.gz", 12, "file has 5000")
	if got := after.TotalAlloc - before.TotalAlloc; got > 4<<20 {
		t.Errorf("allocated %d bytes for a 5 kB gzipped stream", got)
	}
}

func TestReadIDXFileMissing(t *testing.T) {
	_, err := ReadIDXFile(filepath.Join(t.TempDir(), "nope"))
	if !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("got %v, want not-exist", err)
	}
}
