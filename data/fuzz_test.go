package data

import (
	"bytes"
	"errors"
	"slices"
	"testing"
)

// FuzzReadIDX checks that ReadIDX never panics, that every failure is a
// *FormatError naming the stream, and that whatever it accepts is consistent
// and writes back to the same bytes (for uncompressed input). The seed corpus
// is in testdata/fuzz/FuzzReadIDX.
func FuzzReadIDX(f *testing.F) {
	f.Add(idxBytes(8, []uint32{2, 3, 3}, seq(18)))
	f.Add(idxBytes(8, []uint32{4}, seq(4)))
	f.Add(gz(f, idxBytes(8, []uint32{2, 2}, seq(4))))
	for _, c := range corrupt {
		f.Add(c.in)
	}
	f.Fuzz(func(t *testing.T, in []byte) {
		x, err := ReadIDX(bytes.NewReader(in), "fuzz")
		if err != nil {
			var fe *FormatError
			if !errors.As(err, &fe) || fe.File != "fuzz" || fe.Offset < 0 {
				t.Fatalf("error %v (%T), want a *FormatError for fuzz", err, err)
			}
			return
		}
		if err := x.Check(); err != nil {
			t.Fatalf("ReadIDX accepted an inconsistent value: %v", err)
		}
		var buf bytes.Buffer
		if err := WriteIDX(&buf, x); err != nil {
			t.Fatal(err)
		}
		if len(in) >= 2 && in[0] == 0x1f && in[1] == 0x8b {
			return
		}
		if !bytes.Equal(buf.Bytes(), in) {
			t.Fatalf("rewrite differs from the input")
		}
	})
}

// FuzzReadIDXHeader checks that ReadIDXHeader never panics, that every
// failure is a *FormatError naming the stream, and that it agrees with
// ReadIDX: a stream ReadIDX accepts has the header ReadIDXHeader reads, and
// a header ReadIDXHeader refuses makes ReadIDX fail with the same error.
// It shares FuzzReadIDX's seeds.
func FuzzReadIDXHeader(f *testing.F) {
	f.Add(idxBytes(8, []uint32{2, 3, 3}, seq(18)))
	f.Add(idxBytes(0x0E, []uint32{0xffffffff, 0xffffffff, 0xffffffff}, nil))
	f.Add(gz(f, idxBytes(8, []uint32{1e9, 28, 28}, seq(100))))
	for _, c := range corrupt {
		f.Add(c.in)
	}
	f.Fuzz(func(t *testing.T, in []byte) {
		h, err := ReadIDXHeader(bytes.NewReader(in), "fuzz")
		x, xerr := ReadIDX(bytes.NewReader(in), "fuzz")
		if err != nil {
			var fe *FormatError
			if !errors.As(err, &fe) || fe.File != "fuzz" || fe.Offset < 0 {
				t.Fatalf("error %v (%T), want a *FormatError for fuzz", err, err)
			}
			if xerr == nil || xerr.Error() != err.Error() {
				t.Fatalf("ReadIDXHeader: %v; ReadIDX: %v", err, xerr)
			}
			return
		}
		if len(h.Dims) == 0 || ElemSize(h.Type) == 0 || h.DataBytes() <= 0 {
			t.Fatalf("ReadIDXHeader accepted %+v", h)
		}
		if xerr == nil && (x.Type != h.Type || !slices.Equal(x.Dims, h.Dims)) {
			t.Fatalf("ReadIDX read %v %v, ReadIDXHeader %v %v", x.Type, x.Dims, h.Type, h.Dims)
		}
	})
}
