package model

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"math"
	"reflect"
	"strings"
	"testing"
)

func sampleFile() *File {
	return &File{
		Tensors: []Tensor{
			{Name: "b", Shape: []int{2, 3}, Data: []float32{1, -2, 3.5, float32(math.Inf(1)), 0, -0.25}},
			{Name: "a", Shape: []int{}, Data: []float32{42}},
			{Name: "empty", Shape: []int{0, 4}, Data: []float32{}},
			{Name: "velocity.0.weight", Shape: []int{3}, Data: []float32{1e-30, 7, 8}},
		},
		Metadata: map[string]string{"z": "last", "a": "first \"quoted\" <tag>", "rng": "AAEC"},
	}
}

func writeBytes(t *testing.T, f *File) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := Write(&b, f); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func TestWriteReadRoundTrip(t *testing.T) {
	f := sampleFile()
	raw := writeBytes(t, f)
	got, err := Read(bytes.NewReader(raw), int64(len(raw)))
	if err != nil {
		t.Fatal(err)
	}
	if len(got.Tensors) != len(f.Tensors) {
		t.Fatalf("%d tensors, want %d", len(got.Tensors), len(f.Tensors))
	}
	for i, w := range f.Tensors {
		g := got.Tensors[i]
		if g.Name != w.Name || !reflect.DeepEqual(g.Shape, w.Shape) || !reflect.DeepEqual(g.Data, w.Data) {
			t.Fatalf("tensor %d: got %+v, want %+v", i, g, w)
		}
	}
	for k, v := range f.Metadata {
		if got.Metadata[k] != v {
			t.Fatalf("metadata %s = %q, want %q", k, got.Metadata[k], v)
		}
	}
	if _, ok := f.Metadata[DigestKey]; ok {
		t.Fatal("Write modified the File's metadata")
	}
	// Writing what was read gives the same bytes.
	if again := writeBytes(t, got); !bytes.Equal(again, raw) {
		t.Fatal("Write(Read(file)) differs from file")
	}
}

// TestWriteFormat checks the layout with a reader written here: the length
// prefix, the padding, the offsets and the digest.
func TestWriteFormat(t *testing.T) {
	f := sampleFile()
	raw := writeBytes(t, f)
	if !bytes.Equal(raw, writeBytes(t, sampleFile())) {
		t.Fatal("two writes of the same File differ")
	}
	n := binary.LittleEndian.Uint64(raw)
	if (8+n)%8 != 0 || raw[8] != '{' {
		t.Fatalf("header length %d not padded to 8 or not an object", n)
	}
	h, data := splitFile(t, raw)
	sum := sha256.Sum256(data)
	if metadata(h)[DigestKey] != hex.EncodeToString(sum[:]) {
		t.Fatal("sha256 metadata is not the digest of the data section")
	}
	at := 0.0
	for _, want := range f.Tensors {
		e := h[want.Name].(map[string]any)
		off := e["data_offsets"].([]any)
		if e["dtype"] != "F32" || off[0].(float64) != at || off[1].(float64) != at+float64(4*len(want.Data)) {
			t.Fatalf("tensor %s: entry %v", want.Name, e)
		}
		for i, v := range want.Data {
			b := data[int(at)+4*i:]
			if got := math.Float32frombits(binary.LittleEndian.Uint32(b)); got != v {
				t.Fatalf("tensor %s[%d] = %v, want %v", want.Name, i, got, v)
			}
		}
		at = off[1].(float64)
	}
}

func TestWriteRejectsBadTensors(t *testing.T) {
	for _, c := range []struct {
		name string
		f    File
		want string
	}{
		{"duplicate", File{Tensors: []Tensor{{Name: "x", Shape: []int{1}, Data: []float32{1}}, {Name: "x", Shape: []int{0}}}}, "duplicate"},
		{"reserved", File{Tensors: []Tensor{{Name: MetadataKey, Shape: []int{0}}}}, "invalid tensor name"},
		{"size", File{Tensors: []Tensor{{Name: "x", Shape: []int{2, 2}, Data: []float32{1}}}}, "4 elements, data has 1"},
		{"negative", File{Tensors: []Tensor{{Name: "x", Shape: []int{-1}}}}, "negative"},
	} {
		var b bytes.Buffer
		if err := Write(&b, &c.f); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: got %v, want an error saying %q", c.name, err, c.want)
		}
		if b.Len() != 0 {
			t.Errorf("%s: %d bytes written before the error", c.name, b.Len())
		}
	}
}

// failWriter fails after n bytes.
type failWriter struct{ n int }

var errDiskFull = errors.New("disk full")

func (w *failWriter) Write(p []byte) (int, error) {
	if len(p) > w.n {
		k := w.n
		w.n = 0
		return k, errDiskFull
	}
	w.n -= len(p)
	return len(p), nil
}

func TestWriteReportsWriterErrors(t *testing.T) {
	size := len(writeBytes(t, sampleFile()))
	for _, n := range []int{0, 4, 8, 20, size - 1} {
		if err := Write(&failWriter{n}, sampleFile()); !errors.Is(err, errDiskFull) {
			t.Errorf("writer failing after %d bytes: got %v", n, err)
		}
	}
}

// TestReadRejectsBadHeaders edits a valid header in every way the reader
// must refuse.
func TestReadRejectsBadHeaders(t *testing.T) {
	raw := writeBytes(t, sampleFile())
	entry := func(h map[string]any, name string) map[string]any { return h[name].(map[string]any) }
	for _, c := range []struct {
		name string
		edit func(h map[string]any)
		want string
	}{
		{"dtype", func(h map[string]any) { entry(h, "b")["dtype"] = "F16" }, "dtype F16"},
		{"shape product", func(h map[string]any) { entry(h, "b")["shape"] = []int{3, 3} }, "needs 36 bytes"},
		{"huge shape", func(h map[string]any) { entry(h, "b")["shape"] = []int{1 << 30, 1 << 30, 1 << 30} }, "tensor b"},
		{"negative dim", func(h map[string]any) { entry(h, "b")["shape"] = []int{-2, -3} }, "tensor \"b\""},
		{"offset range", func(h map[string]any) { entry(h, "velocity.0.weight")["data_offsets"] = []int{28, 1000} }, "beyond the 40-byte data section"},
		{"offsets reversed", func(h map[string]any) { entry(h, "a")["data_offsets"] = []int{28, 24} }, "are not [begin, end]"},
		{"three offsets", func(h map[string]any) { entry(h, "a")["data_offsets"] = []int{24, 28, 32} }, "are not [begin, end]"},
		{"overlap", func(h map[string]any) { entry(h, "a")["data_offsets"] = []int{20, 24} }, "overlaps"},
		{"gap", func(h map[string]any) {
			entry(h, "b")["data_offsets"] = []int{4, 28}
			entry(h, "b")["shape"] = []int{6}
			entry(h, "a")["data_offsets"] = []int{28, 32}
		}, "gap"},
		{"not covered", func(h map[string]any) { delete(h, "velocity.0.weight") }, "cover 28 bytes of a 40-byte"},
		{"missing field", func(h map[string]any) { delete(entry(h, "a"), "shape") }, "needs dtype, shape and data_offsets"},
		{"entry not object", func(h map[string]any) { h["a"] = 3 }, "invalid header entry"},
		{"metadata values", func(h map[string]any) { metadata(h)["n"] = 3 }, "metadata is not an object of strings"},
		{"digest", func(h map[string]any) { metadata(h)[DigestKey] = strings.Repeat("0", 64) }, "SHA-256 does not match"},
	} {
		bad := editHeader(t, raw, c.edit)
		_, err := Read(bytes.NewReader(bad), int64(len(bad)))
		if err == nil {
			t.Errorf("%s: no error", c.name)
			continue
		}
		var fe *FormatError
		if !errors.As(err, &fe) || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: got %v, want a FormatError saying %q", c.name, err, c.want)
		}
	}
}

// TestReadRejectsBadBytes covers what editHeader cannot produce.
func TestReadRejectsBadBytes(t *testing.T) {
	raw := writeBytes(t, sampleFile())
	n := binary.LittleEndian.Uint64(raw)
	withHeader := func(h string) []byte {
		for len(h)%8 != 0 {
			h += " "
		}
		return append(binary.LittleEndian.AppendUint64(nil, uint64(len(h))), h...)
	}
	flipped := bytes.Clone(raw)
	flipped[len(flipped)-3] ^= 0x10
	for _, c := range []struct {
		name string
		raw  []byte
		want string
	}{
		{"empty", nil, "too short"},
		{"short", raw[:7], "too short"},
		{"huge header length", binary.LittleEndian.AppendUint64(nil, 1<<62), "exceeds the 100 MB limit"},
		{"header beyond file", raw[:8+n-1], "beyond the file size"},
		{"truncated data", raw[:len(raw)-1], "beyond the 39-byte data section: file truncated"},
		{"not an object", withHeader(`["a"]`), "not a JSON object"},
		{"bad JSON", withHeader(`{"a": {"dtype": "F32",`), "header JSON invalid"},
		{"duplicate key", withHeader(`{"a":{"dtype":"F32","shape":[0],"data_offsets":[0,0]},"a":{"dtype":"F32","shape":[0],"data_offsets":[0,0]}}`), "names \"a\" twice"},
		{"trailing data", withHeader(`{} {}`), "after its JSON object"},
		{"flipped data byte", flipped, "SHA-256 does not match the header: file corrupt"},
	} {
		_, err := Read(bytes.NewReader(c.raw), int64(len(c.raw)))
		var fe *FormatError
		if !errors.As(err, &fe) || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: got %v, want a FormatError saying %q", c.name, err, c.want)
		}
	}
	// A reader shorter than the size it was given is a truncated file.
	_, err := Read(bytes.NewReader(raw[:len(raw)-2]), int64(len(raw)))
	wantFormatError(t, err, "truncated")
	// A digest mismatch can be told apart.
	_, err = Read(bytes.NewReader(flipped), int64(len(flipped)))
	if !errors.Is(err, ErrDigest) {
		t.Fatalf("flipped byte: %v does not wrap ErrDigest", err)
	}
}

// TestReadWithoutDigest reads a file another tool wrote (no sha256).
func TestReadWithoutDigest(t *testing.T) {
	raw := editHeader(t, writeBytes(t, sampleFile()), func(h map[string]any) { delete(metadata(h), DigestKey) })
	f, err := Read(bytes.NewReader(raw), int64(len(raw)))
	if err != nil {
		t.Fatal(err)
	}
	if f.Tensor("b").Data[2] != 3.5 || f.Tensor("missing") != nil {
		t.Fatal("wrong tensors")
	}
}
