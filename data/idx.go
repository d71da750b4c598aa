package data

import (
	"bufio"
	"compress/flate"
	"compress/gzip"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
)

// IDX type codes (the third byte of the magic number).
const (
	TypeUint8   byte = 0x08
	TypeInt8    byte = 0x09
	TypeInt16   byte = 0x0B
	TypeInt32   byte = 0x0C
	TypeFloat32 byte = 0x0D
	TypeFloat64 byte = 0x0E
)

// MaxIDXBytes is the largest data section ReadIDX accepts (4 GiB). A header
// that claims more is a FormatError before anything is allocated.
const MaxIDXBytes = 1 << 32

// IDX is one IDX file: the element type, the dimensions and the raw data.
// Data holds the elements in file order, big-endian for multi-byte types,
// so len(Data) == ElemSize(Type) × the product of Dims.
type IDX struct {
	Type byte
	Dims []int
	Data []byte
}

// ElemSize returns the size in bytes of one element of IDX type t, or 0 when t
// is not an IDX type.
func ElemSize(t byte) int {
	switch t {
	case TypeUint8, TypeInt8:
		return 1
	case TypeInt16:
		return 2
	case TypeInt32, TypeFloat32:
		return 4
	case TypeFloat64:
		return 8
	}
	return 0
}

// FormatError reports malformed IDX data: the file (as named by the caller),
// the byte offset of the problem in the uncompressed stream, and what was
// wrong.
type FormatError struct {
	File   string
	Offset int64
	Reason string
}

// Error returns "file: offset N: reason".
func (e *FormatError) Error() string {
	return e.File + ": offset " + strconv.FormatInt(e.Offset, 10) + ": " + e.Reason
}

// ReadIDXFile reads the IDX file at path, decompressing it when it is
// gzipped. Errors in the data are *FormatError naming path.
func ReadIDXFile(path string) (*IDX, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return readIDX(f, path, fileRemaining(f), MaxIDXBytes)
}

// ReadIDX reads one IDX stream from r, decompressing it when it starts with the
// gzip magic number. name labels errors. ReadIDX never allocates much more than
// the data actually read: a header claiming more than the stream holds is a
// FormatError, found up front when the size of r is known (an *os.File, a
// *bytes.Reader, ...) and otherwise once the data run out.
func ReadIDX(r io.Reader, name string) (*IDX, error) {
	size := int64(-1)
	switch v := r.(type) {
	case *os.File:
		size = fileRemaining(v)
	case interface{ Len() int }:
		size = int64(v.Len())
	}
	return readIDX(r, name, size, MaxIDXBytes)
}

// fileRemaining returns the bytes left in f after its offset, or -1.
func fileRemaining(f *os.File) int64 {
	st, err := f.Stat()
	if err != nil || !st.Mode().IsRegular() {
		return -1
	}
	off, err := f.Seek(0, io.SeekCurrent)
	if err != nil {
		return -1
	}
	return st.Size() - off
}

// countReader counts the bytes read through it.
type countReader struct {
	r io.Reader
	n int64
}

func (c *countReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	return n, err
}

// uncompressed returns a reader of the IDX stream in r: r itself, buffered,
// or its decompression when r starts with the gzip magic number. gzipped
// says which; done releases the decompressor.
func uncompressed(r io.Reader, name string) (u io.Reader, gzipped bool, done func(), err error) {
	br := bufio.NewReader(r)
	if m, _ := br.Peek(2); len(m) == 2 && m[0] == 0x1f && m[1] == 0x8b {
		zr, err := gzip.NewReader(br)
		if err != nil {
			return nil, true, nil, &FormatError{name, 0, "gzip: " + err.Error()}
		}
		return zr, true, func() { zr.Close() }, nil
	}
	return br, false, func() {}, nil
}

// readIDX reads an IDX stream whose data section may hold at most limit
// bytes; size is the stream's length in bytes when it is known and
// uncompressed, else -1.
func readIDX(r io.Reader, name string, size, limit int64) (*IDX, error) {
	u, gzipped, done, err := uncompressed(r, name)
	if err != nil {
		return nil, err
	}
	defer done()
	if gzipped {
		size = -1
	}
	return parseIDX(&countReader{r: u}, name, size, limit)
}

// fail turns a read error at offset off into a FormatError (or returns the
// I/O error as is when it is not about the data's format).
func fail(name string, off int64, what string, err error) error {
	switch {
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		return &FormatError{name, off, "truncated " + what}
	case errors.Is(err, gzip.ErrChecksum), errors.Is(err, gzip.ErrHeader),
		errors.As(err, new(flate.CorruptInputError)):
		return &FormatError{name, off, "gzip: " + err.Error()}
	}
	return fmt.Errorf("%s: offset %d: reading %s: %w", name, off, what, err)
}

func parseIDX(cr *countReader, name string, size, limit int64) (*IDX, error) {
	h, err := readHeader(cr, name)
	if err != nil {
		return nil, err
	}
	total := h.DataBytes()
	if total > limit {
		return nil, &FormatError{name, 4, fmt.Sprintf("header claims %s = %s, more than the %d-byte limit", h.describe(), bytesString(total), limit)}
	}
	hlen := cr.n
	claim := fmt.Sprintf("header claims %s = %d bytes", shapeString(h.Dims), total)
	if size >= 0 && size-hlen < total {
		return nil, &FormatError{name, hlen, fmt.Sprintf("%s, file has %d", claim, size-hlen)}
	}
	buf, err := readGrowing(cr, int(total))
	if err != nil {
		if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
			return nil, &FormatError{name, hlen, fmt.Sprintf("%s, file has %d", claim, len(buf))}
		}
		return nil, fail(name, cr.n, "data", err)
	}
	if n, err := io.CopyN(io.Discard, cr, 1<<20); n > 0 {
		more := ""
		if n == 1<<20 {
			more = "at least "
		}
		return nil, &FormatError{name, hlen + total, fmt.Sprintf("%s%d trailing bytes after the data", more, n)}
	} else if err != nil && err != io.EOF {
		return nil, fail(name, cr.n, "end of file", err)
	}
	return &IDX{Type: h.Type, Dims: h.Dims, Data: buf}, nil
}

// readGrowing reads exactly n bytes, growing its buffer geometrically from at
// most 1 MiB so that a lying header costs no more than the data present. On a
// short read it returns what it got and the error.
func readGrowing(r io.Reader, n int) ([]byte, error) {
	buf := make([]byte, 0, min(n, 1<<20))
	for len(buf) < n {
		if len(buf) == cap(buf) {
			nb := make([]byte, len(buf), min(n, 2*cap(buf)))
			copy(nb, buf)
			buf = nb
		}
		m, err := io.ReadFull(r, buf[len(buf):cap(buf)])
		buf = buf[:len(buf)+m]
		if err != nil {
			return buf, err
		}
	}
	return buf, nil
}

// shapeString formats dims as "60000×28×28".
func shapeString(dims []int) string {
	var b strings.Builder
	for i, d := range dims {
		if i > 0 {
			b.WriteString("×")
		}
		b.WriteString(strconv.Itoa(d))
	}
	return b.String()
}
