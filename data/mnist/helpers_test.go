package mnist

import (
	"bytes"
	"compress/gzip"
	"path/filepath"
	"testing"

	"github.com/deepnet-go/deepnet/data"
)

// tinySet returns n images of rows×cols where pixel j of image i is i*16+j
// (mod 256) and label i is i%10.
func tinySet(n, rows, cols int) *data.Set {
	s := data.NewSet(n, rows, cols)
	for i := range n {
		for j, im := 0, s.Image(i); j < len(im); j++ {
			im[j] = byte(i*16 + j)
		}
		s.Labels[i] = byte(i % 10)
	}
	return s
}

// writeSet writes s as an images and a labels IDX file in dir.
func writeSet(t *testing.T, dir, images, labels string, s *data.Set) {
	t.Helper()
	if err := data.WriteIDXFile(filepath.Join(dir, images), &data.IDX{Type: data.TypeUint8, Dims: []int{s.N, s.Rows, s.Cols}, Data: s.Images}); err != nil {
		t.Fatal(err)
	}
	if err := data.WriteIDXFile(filepath.Join(dir, labels), &data.IDX{Type: data.TypeUint8, Dims: []int{s.N}, Data: s.Labels}); err != nil {
		t.Fatal(err)
	}
}

// gzIDX returns the gzipped IDX file of x.
func gzIDX(t *testing.T, x *data.IDX) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	if err := data.WriteIDX(zw, x); err != nil {
		t.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}
