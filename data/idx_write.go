package data

import (
	"compress/gzip"
	"encoding/binary"
	"fmt"
	"io"
	"math"
	"strings"

	"github.com/deepnet-go/deepnet/internal/atomicfile"
)

// Check reports whether x is a well-formed IDX value: a known type, 1 to 255
// dimensions each in [1, 2^32-1], and len(Data) equal to their product times
// the element size.
func (x *IDX) Check() error {
	es := ElemSize(x.Type)
	if es == 0 {
		return fmt.Errorf("data: IDX type 0x%02x is not an IDX element type", x.Type)
	}
	if len(x.Dims) == 0 || len(x.Dims) > 255 {
		return fmt.Errorf("data: IDX has %d dimensions, want 1 to 255", len(x.Dims))
	}
	total := uint64(es)
	for i, d := range x.Dims {
		if d <= 0 || uint64(d) > math.MaxUint32 {
			return fmt.Errorf("data: IDX dimension %d is %d, want 1 to %d", i, d, uint64(math.MaxUint32))
		}
		total *= uint64(d)
		if total > MaxIDXBytes {
			return fmt.Errorf("data: IDX of shape %s is larger than %d bytes", shapeString(x.Dims), int64(MaxIDXBytes))
		}
	}
	if uint64(len(x.Data)) != total {
		return fmt.Errorf("data: IDX of shape %s and type 0x%02x needs %d bytes of data, has %d", shapeString(x.Dims), x.Type, total, len(x.Data))
	}
	return nil
}

// WriteIDX writes x to w in IDX format (uncompressed). It returns an error,
// writing nothing, when x fails Check.
func WriteIDX(w io.Writer, x *IDX) error {
	if err := x.Check(); err != nil {
		return err
	}
	hdr := make([]byte, 4+4*len(x.Dims))
	hdr[2], hdr[3] = x.Type, byte(len(x.Dims))
	for i, d := range x.Dims {
		binary.BigEndian.PutUint32(hdr[4+4*i:], uint32(d))
	}
	if _, err := w.Write(hdr); err != nil {
		return err
	}
	_, err := w.Write(x.Data)
	return err
}

// WriteIDXFile writes x to path atomically: to a temporary file in the same
// directory, synced, then renamed over path, so readers see either the old
// file or the whole new one. The file is gzipped when path ends in ".gz".
func WriteIDXFile(path string, x *IDX) error {
	if err := x.Check(); err != nil {
		return err
	}
	return atomicfile.Write(path, func(w io.Writer) error {
		if !strings.HasSuffix(path, ".gz") {
			return WriteIDX(w, x)
		}
		zw := gzip.NewWriter(w)
		if err := WriteIDX(zw, x); err != nil {
			return err
		}
		return zw.Close()
	})
}
