package model

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"sort"
)

// entry is one tensor of a safetensors header; nil fields were absent.
type entry struct {
	name    string
	Dtype   *string   `json:"dtype"`
	Shape   *[]uint64 `json:"shape"`
	Offsets *[]uint64 `json:"data_offsets"`
	begin   int64
	end     int64
	shape   []int
}

// ReadFile reads the safetensors file at path (see Read).
func ReadFile(path string) (*File, error) {
	fh, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer fh.Close()
	st, err := fh.Stat()
	if err != nil {
		return nil, err
	}
	f, err := Read(fh, st.Size())
	return f, withFile(err, path)
}

// Read reads a safetensors file of size bytes from r. It checks the whole
// file before returning it: the header length against size and MaxHeader
// (before allocating anything), the JSON, each tensor's dtype (F32 only),
// shape and data offsets (in range, no overlap, no gap, covering the data
// section exactly), and, when the metadata holds DigestKey, the SHA-256 of
// the data section. Tensors are returned in the order of their data. A file
// that is wrong gives a *FormatError; Read never panics, and allocates no
// more than size bytes for the header and the data together.
func Read(r io.Reader, size int64) (*File, error) {
	if size < 8 {
		return nil, formatErr(fmt.Sprintf("%d bytes is too short for a safetensors file", size), nil)
	}
	var lb [8]byte
	if _, err := io.ReadFull(r, lb[:]); err != nil {
		return nil, readErr("header length", err)
	}
	n := binary.LittleEndian.Uint64(lb[:])
	if n > MaxHeader {
		return nil, formatErr(fmt.Sprintf("header length %d exceeds the %d MB limit: not a safetensors file", n, MaxHeader/1_000_000), nil)
	}
	if n > uint64(size-8) {
		return nil, formatErr(fmt.Sprintf("header length %d is beyond the file size %d: truncated or not a safetensors file", n, size), nil)
	}
	hdr := make([]byte, n)
	if _, err := io.ReadFull(r, hdr); err != nil {
		return nil, readErr("header", err)
	}
	dataLen := size - 8 - int64(n)
	entries, meta, err := parseHeader(hdr, dataLen)
	if err != nil {
		return nil, err
	}
	f := &File{Tensors: make([]Tensor, len(entries)), Metadata: meta}
	h := sha256.New()
	buf := make([]byte, min(chunk, dataLen))
	for i, e := range entries {
		t := Tensor{Name: e.name, Shape: e.shape, Data: make([]float32, (e.end-e.begin)/4)}
		for j := 0; j < len(t.Data); {
			b := buf[:min(len(buf), 4*(len(t.Data)-j))]
			if _, err := io.ReadFull(r, b); err != nil {
				return nil, readErr("data of tensor "+e.name, err)
			}
			h.Write(b)
			for k := 0; k < len(b); k += 4 {
				t.Data[j] = math.Float32frombits(binary.LittleEndian.Uint32(b[k:]))
				j++
			}
		}
		f.Tensors[i] = t
	}
	if want, ok := meta[DigestKey]; ok {
		if got := hex.EncodeToString(h.Sum(nil)); got != want {
			return nil, formatErr(ErrDigest.Error(), ErrDigest)
		}
	}
	return f, nil
}

// readErr reports a failed read: a file shorter than its size said is a
// FormatError, any other I/O error is returned as it is.
func readErr(what string, err error) error {
	if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
		return formatErr("file truncated in the "+what, err)
	}
	return fmt.Errorf("model: reading the %s: %w", what, err)
}

// parseHeader decodes and checks a header for a data section of dataLen
// bytes and returns its tensors sorted by offset and its metadata.
func parseHeader(hdr []byte, dataLen int64) ([]*entry, map[string]string, error) {
	if len(hdr) == 0 || hdr[0] != '{' {
		return nil, nil, formatErr("header is not a JSON object: not a safetensors file", nil)
	}
	dec := json.NewDecoder(bytes.NewReader(hdr))
	bad := func(err error) error { return formatErr("header JSON invalid: "+err.Error(), err) }
	if _, err := dec.Token(); err != nil { // '{'
		return nil, nil, bad(err)
	}
	var entries []*entry
	var meta map[string]string
	seen := map[string]bool{}
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return nil, nil, bad(err)
		}
		key, _ := tok.(string) // keys of an object are always strings
		if seen[key] {
			return nil, nil, formatErr(fmt.Sprintf("header names %q twice", key), nil)
		}
		seen[key] = true
		var raw json.RawMessage
		if err := dec.Decode(&raw); err != nil {
			return nil, nil, bad(err)
		}
		if key == MetadataKey {
			if err := json.Unmarshal(raw, &meta); err != nil {
				return nil, nil, formatErr("metadata is not an object of strings: "+err.Error(), err)
			}
			continue
		}
		e := &entry{name: key}
		if err := json.Unmarshal(raw, e); err != nil {
			return nil, nil, formatErr(fmt.Sprintf("tensor %q: invalid header entry: %v", key, err), err)
		}
		if err := e.check(dataLen); err != nil {
			return nil, nil, err
		}
		entries = append(entries, e)
	}
	if _, err := dec.Token(); err != nil { // '}'
		return nil, nil, bad(err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, nil, formatErr("header has data after its JSON object", nil)
	}
	if meta == nil {
		meta = map[string]string{}
	}
	sort.SliceStable(entries, func(i, j int) bool {
		return entries[i].begin < entries[j].begin || entries[i].begin == entries[j].begin && entries[i].end < entries[j].end
	})
	var at int64
	for _, e := range entries {
		switch {
		case e.begin < at:
			return nil, nil, formatErr(fmt.Sprintf("tensor %s: data [%d, %d) overlaps the tensor before", e.name, e.begin, e.end), nil)
		case e.begin > at:
			return nil, nil, formatErr(fmt.Sprintf("tensor %s: data starts at %d, leaving a gap after %d", e.name, e.begin, at), nil)
		}
		at = e.end
	}
	if at != dataLen {
		return nil, nil, formatErr(fmt.Sprintf("tensors cover %d bytes of a %d-byte data section", at, dataLen), nil)
	}
	return entries, meta, nil
}

// check validates one tensor's dtype, shape and offsets for a data section
// of dataLen bytes.
func (e *entry) check(dataLen int64) error {
	bad := func(format string, a ...any) error {
		return formatErr(fmt.Sprintf("tensor %s: ", e.name)+fmt.Sprintf(format, a...), nil)
	}
	if e.Dtype == nil || e.Shape == nil || e.Offsets == nil {
		return bad("header entry needs dtype, shape and data_offsets")
	}
	if *e.Dtype != "F32" {
		return bad("dtype %s; only F32 is supported", *e.Dtype)
	}
	off := *e.Offsets
	if len(off) != 2 || off[0] > off[1] {
		return bad("data_offsets %v are not [begin, end]", off)
	}
	if off[1] > uint64(dataLen) {
		return bad("data_offsets %v beyond the %d-byte data section: file truncated or corrupt", off, dataLen)
	}
	e.begin, e.end = int64(off[0]), int64(off[1])
	// The element count, computed without overflow: a product beyond the
	// data section is wrong whatever its exact value.
	limit := uint64(dataLen)/4 + 1
	count := uint64(1)
	e.shape = make([]int, len(*e.Shape))
	for i, d := range *e.Shape {
		if d > math.MaxInt32 {
			return bad("dimension %d too large", d)
		}
		e.shape[i] = int(d)
		if d == 0 {
			count = 0
		} else if count > limit/d {
			count = limit
		} else {
			count *= d
		}
	}
	if count*4 != off[1]-off[0] {
		return bad("shape %v needs %d bytes, data_offsets [%d, %d] give %d", *e.Shape, count*4, off[0], off[1], off[1]-off[0])
	}
	return nil
}
