package data

import (
	"encoding/binary"
	"fmt"
	"io"
	"math"
	"os"
	"strconv"
)

// IDXHeader is the header of an IDX file: the element type and the
// dimensions, which say how many bytes of data follow.
type IDXHeader struct {
	Type byte
	Dims []int
}

// DataBytes returns the size in bytes of the data section h announces,
// ElemSize(h.Type) times the product of h.Dims, or math.MaxInt64 when that
// does not fit in an int64.
func (h IDXHeader) DataBytes() int64 {
	n := int64(ElemSize(h.Type))
	for _, d := range h.Dims {
		if d <= 0 {
			return 0
		}
		if n > math.MaxInt64/int64(d) {
			return math.MaxInt64
		}
		n *= int64(d)
	}
	return n
}

// describe formats h as "60000×28×28 uint8".
func (h IDXHeader) describe() string {
	return shapeString(h.Dims) + " " + TypeName(h.Type)
}

// TypeName returns the name of IDX element type t ("uint8", "float32", ...),
// or its code in hex when t is not an IDX type.
func TypeName(t byte) string {
	switch t {
	case TypeUint8:
		return "uint8"
	case TypeInt8:
		return "int8"
	case TypeInt16:
		return "int16"
	case TypeInt32:
		return "int32"
	case TypeFloat32:
		return "float32"
	case TypeFloat64:
		return "float64"
	}
	return fmt.Sprintf("type 0x%02x", t)
}

// bytesString formats a byte count from DataBytes, which saturates.
func bytesString(n int64) string {
	if n == math.MaxInt64 {
		return "more than " + strconv.FormatInt(n, 10) + " bytes"
	}
	return strconv.FormatInt(n, 10) + " bytes"
}

// ReadIDXHeaderFile reads the header of the IDX file at path, gzipped or
// not, and nothing after it: of a gzipped file it inflates no more than the
// header and one 32 KiB deflate window, however much data the header
// announces. It checks the header's format (errors are *FormatError naming
// path), not the data.
func ReadIDXHeaderFile(path string) (IDXHeader, error) {
	f, err := os.Open(path)
	if err != nil {
		return IDXHeader{}, err
	}
	defer f.Close()
	return ReadIDXHeader(f, path)
}

// ReadIDXHeader reads an IDX header from r, decompressing r when it starts
// with the gzip magic number, and reads no more of r than its buffering
// needs. name labels errors.
func ReadIDXHeader(r io.Reader, name string) (IDXHeader, error) {
	u, _, done, err := uncompressed(r, name)
	if err != nil {
		return IDXHeader{}, err
	}
	defer done()
	return readHeader(&countReader{r: u}, name)
}

// readHeader reads the magic number and the dimensions. Malformed headers
// (bad magic, unknown type, no or zero dimensions, truncation) are
// *FormatError.
func readHeader(cr *countReader, name string) (IDXHeader, error) {
	var magic [4]byte
	if _, err := io.ReadFull(cr, magic[:]); err != nil {
		return IDXHeader{}, fail(name, cr.n, "header", err)
	}
	if magic[0] != 0 || magic[1] != 0 {
		return IDXHeader{}, &FormatError{name, 0, fmt.Sprintf("bad magic %02x%02x%02x%02x: IDX files start with two zero bytes", magic[0], magic[1], magic[2], magic[3])}
	}
	typ, ndim := magic[2], int(magic[3])
	if ElemSize(typ) == 0 {
		return IDXHeader{}, &FormatError{name, 2, fmt.Sprintf("unsupported element type 0x%02x", typ)}
	}
	if ndim == 0 {
		return IDXHeader{}, &FormatError{name, 3, "no dimensions"}
	}
	var buf [4 * 255]byte
	hdr := buf[:4*ndim]
	if _, err := io.ReadFull(cr, hdr); err != nil {
		return IDXHeader{}, fail(name, cr.n, fmt.Sprintf("header (%d dimensions)", ndim), err)
	}
	dims := make([]int, ndim)
	for i := range dims {
		d := binary.BigEndian.Uint32(hdr[4*i:])
		switch {
		case d == 0:
			return IDXHeader{}, &FormatError{name, int64(4 + 4*i), fmt.Sprintf("dimension %d is zero", i)}
		case uint64(d) > math.MaxInt:
			return IDXHeader{}, &FormatError{name, int64(4 + 4*i), fmt.Sprintf("dimension %d is %d, more than this platform's int holds", i, d)}
		}
		dims[i] = int(d)
	}
	return IDXHeader{Type: typ, Dims: dims}, nil
}
