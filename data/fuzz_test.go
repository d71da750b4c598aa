package data

import (
	"bytes"
	"errors"
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
