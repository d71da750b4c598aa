package model

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"strconv"
)

// Tensor is one named float32 array of a File, row-major in the order of
// its Shape (the last index varies fastest).
type Tensor struct {
	Name  string
	Shape []int
	Data  []float32
}

// File is the content of a safetensors file holding F32 tensors: the tensors
// in the order of their data and the string-to-string metadata.
type File struct {
	Tensors  []Tensor
	Metadata map[string]string
}

// Tensor returns the tensor called name, or nil.
func (f *File) Tensor(name string) *Tensor {
	for i := range f.Tensors {
		if f.Tensors[i].Name == name {
			return &f.Tensors[i]
		}
	}
	return nil
}

// Key names with a meaning to this package.
const (
	// MetadataKey is the header entry that holds the metadata.
	MetadataKey = "__metadata__"
	// DigestKey is the metadata entry Write sets to the hex SHA-256 of the
	// data section and Read checks when present.
	DigestKey = "sha256"
)

// MaxHeader is the largest header Read accepts, in bytes: the limit of the
// reference implementation (100 MB).
const MaxHeader = 100_000_000

// chunk is the number of bytes encoded or decoded at a time.
const chunk = 64 << 10

// CheckFinite reports the first value of t that is NaN or infinite: a
// network with one computes nothing meaningful, whatever a file's digest
// says.
func (t *Tensor) CheckFinite() error {
	for i, v := range t.Data {
		if math.IsNaN(float64(v)) || math.IsInf(float64(v), 0) {
			return fmt.Errorf("tensor %s holds %v at index %d: not a usable value", t.Name, v, i)
		}
	}
	return nil
}

// Write writes f in the safetensors format: the header's tensors in the
// order of f.Tensors (and their data in that order), the metadata keys
// sorted, the header padded with spaces to a multiple of 8 bytes, and the
// metadata entry DigestKey set to the SHA-256 of the data section (any
// value f.Metadata holds for it is replaced; f is not modified). The same
// File gives the same bytes. The error says which tensor is invalid (a
// duplicate or reserved name, or a shape whose size differs from its data).
func Write(w io.Writer, f *File) error {
	if err := check(f); err != nil {
		return err
	}
	h := sha256.New()
	if err := encode(f.Tensors, func(b []byte) error { _, err := h.Write(b); return err }); err != nil {
		return err
	}
	hdr, err := header(f, hex.EncodeToString(h.Sum(nil)))
	if err != nil {
		return err
	}
	var n [8]byte
	binary.LittleEndian.PutUint64(n[:], uint64(len(hdr)))
	if _, err := w.Write(n[:]); err != nil {
		return err
	}
	if _, err := w.Write(hdr); err != nil {
		return err
	}
	return encode(f.Tensors, func(b []byte) error { _, err := w.Write(b); return err })
}

// check validates the tensors Write is given.
func check(f *File) error {
	seen := make(map[string]bool, len(f.Tensors))
	for _, t := range f.Tensors {
		if t.Name == "" || t.Name == MetadataKey {
			return fmt.Errorf("model: invalid tensor name %q", t.Name)
		}
		if seen[t.Name] {
			return fmt.Errorf("model: duplicate tensor name %q", t.Name)
		}
		seen[t.Name] = true
		size := 1
		for _, d := range t.Shape {
			if d < 0 {
				return fmt.Errorf("model: tensor %s: negative dimension in shape %v", t.Name, t.Shape)
			}
			size *= d
		}
		if size != len(t.Data) {
			return fmt.Errorf("model: tensor %s: shape %v has %d elements, data has %d", t.Name, t.Shape, size, len(t.Data))
		}
	}
	return nil
}

// encode passes the little-endian bytes of every tensor's data, in order,
// to emit in chunks of at most chunk bytes.
func encode(ts []Tensor, emit func([]byte) error) error {
	buf := make([]byte, 0, chunk)
	for _, t := range ts {
		for _, v := range t.Data {
			buf = binary.LittleEndian.AppendUint32(buf, math.Float32bits(v))
			if len(buf) == cap(buf) {
				if err := emit(buf); err != nil {
					return err
				}
				buf = buf[:0]
			}
		}
	}
	if len(buf) > 0 {
		return emit(buf)
	}
	return nil
}

// header returns the JSON header for f, with the data digest in its
// metadata, padded with spaces to a multiple of 8 bytes.
func header(f *File, digest string) ([]byte, error) {
	meta := make(map[string]string, len(f.Metadata)+1)
	for k, v := range f.Metadata {
		meta[k] = v
	}
	meta[DigestKey] = digest
	var b bytes.Buffer
	b.WriteString(`{"` + MetadataKey + `":`)
	m, err := json.Marshal(meta) // keys sorted
	if err != nil {
		return nil, err
	}
	b.Write(m)
	offset := 0
	for _, t := range f.Tensors {
		name, err := json.Marshal(t.Name)
		if err != nil {
			return nil, err
		}
		b.WriteByte(',')
		b.Write(name)
		b.WriteString(`:{"dtype":"F32","shape":[`)
		for i, d := range t.Shape {
			if i > 0 {
				b.WriteByte(',')
			}
			b.WriteString(strconv.Itoa(d))
		}
		end := offset + 4*len(t.Data)
		fmt.Fprintf(&b, `],"data_offsets":[%d,%d]}`, offset, end)
		offset = end
	}
	b.WriteByte('}')
	for b.Len()%8 != 0 {
		b.WriteByte(' ')
	}
	return b.Bytes(), nil
}
