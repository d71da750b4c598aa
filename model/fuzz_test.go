package model

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/deepnet-go/deepnet/nn"
)

// FuzzRead feeds arbitrary bytes to Read and, when they read as a File, to
// Decode: neither may panic, whatever Read accepts must write back to a
// file Read accepts, and a network Decode builds must run. The seed corpus
// is testdata/fuzz/FuzzRead (a small valid model and broken ones; see
// TestWriteFuzzCorpus). A mutated header keeps its data digest valid, so
// the fuzzer reaches Decode with edited specs and shapes.
func FuzzRead(f *testing.F) {
	f.Add(writeBytesF(f, sampleFile()))
	f.Fuzz(func(t *testing.T, raw []byte) {
		file, err := Read(bytes.NewReader(raw), int64(len(raw)))
		if err != nil {
			if file != nil {
				t.Fatal("a File and an error")
			}
			return
		}
		var b bytes.Buffer
		if err := Write(&b, file); err != nil {
			t.Fatalf("Write of a File Read accepted: %v", err)
		}
		again, err := Read(bytes.NewReader(b.Bytes()), int64(b.Len()))
		if err != nil || len(again.Tensors) != len(file.Tensors) {
			t.Fatalf("rewritten file: %v", err)
		}
		net, _, err := Decode(file, Options{MaxBatch: 1})
		if err == nil {
			net.Forward(make([]float32, net.In.Size()), 1, false)
		}
	})
}

func writeBytesF(f *testing.F, file *File) []byte {
	var b bytes.Buffer
	if err := Write(&b, file); err != nil {
		f.Fatal(err)
	}
	return b.Bytes()
}

// tinyModel is the valid model of the seed corpus.
func tinyModel(t testing.TB) []byte {
	s, err := nn.ParseSpec("conv:2x2x2 maxpool:2 relu fc:3:tanh softmax:2")
	if err != nil {
		t.Fatal(err)
	}
	net, err := nn.New(nn.Config{Spec: s, In: nn.Shape{C: 1, H: 5, W: 5}, MaxBatch: 1, Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	f, err := Encode(net, Info{Preset: "tiny", Eta: 0.1})
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	if err := Write(&b, f); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// TestWriteFuzzCorpus rewrites testdata/fuzz/FuzzRead when
// DEEPNET_WRITE_CORPUS is set; otherwise it checks that the valid seed
// loads.
func TestWriteFuzzCorpus(t *testing.T) {
	raw := tinyModel(t)
	if os.Getenv("DEEPNET_WRITE_CORPUS") == "" {
		// The committed valid seed is a model written by an earlier
		// build: it must still load.
		text, err := os.ReadFile(filepath.Join("testdata", "fuzz", "FuzzRead", "valid"))
		if err != nil {
			t.Fatal(err)
		}
		quoted := strings.TrimSuffix(strings.TrimPrefix(string(text), "go test fuzz v1\n[]byte("), ")\n")
		committed, err := strconv.Unquote(quoted)
		if err != nil {
			t.Fatal(err)
		}
		for _, b := range [][]byte{raw, []byte(committed)} {
			if _, _, err := loadBytes(t, b); err != nil {
				t.Fatal(err)
			}
		}
		return
	}
	flipped := bytes.Clone(raw)
	flipped[len(flipped)-5] ^= 0x40
	seeds := map[string][]byte{
		"valid":          raw,
		"truncated-head": raw[:40],
		"truncated-data": raw[:len(raw)-6],
		"flipped-data":   flipped,
		"bad-spec": editHeader(t, raw, func(h map[string]any) {
			metadata(h)["spec"] = "conv:2x3x3 maxpool:2 relu fc:3:tanh softmax:2"
		}),
		"huge-header": append([]byte{0, 0, 0, 0, 0, 0, 0, 1}, raw[8:]...),
		"bad-json":    append(bytes.Clone(raw[:8]), []byte(`{"0.weight":{"dtype":"F32","shape":[2,1,2,2],`)...),
		"empty":       {},
	}
	dir := filepath.Join("testdata", "fuzz", "FuzzRead")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	for name, b := range seeds {
		text := fmt.Sprintf("go test fuzz v1\n[]byte(%s)\n", strconv.Quote(string(b)))
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}
