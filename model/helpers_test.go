package model

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"errors"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/deepnet-go/deepnet/internal/nettest"
	"github.com/deepnet-go/deepnet/nn"
)

const testSpec = "conv:3x5x5 maxpool:2 relu conv:4x3x3 maxpool:2 relu fc:10:relu softmax:10"

// testNet builds a small MNIST-shaped network with random (non-zero)
// weights everywhere, the softmax layer included.
func testNet(t testing.TB, spec string, seed uint64) *nn.Network {
	t.Helper()
	net := nettest.New(t, spec, nettest.MNIST, 8, seed)
	nettest.Randomize(net, seed, 0.3)
	return net
}

// images returns n random images of 28×28.
func images(n int, seed uint64) []float32 {
	rng := rand.New(rand.NewPCG(seed, 1))
	x := make([]float32, n*784)
	for i := range x {
		x[i] = rng.Float32()
	}
	return x
}

// saveBytes saves net to a temporary file and returns its bytes.
func saveBytes(t testing.TB, net *nn.Network, info Info) []byte {
	t.Helper()
	path := filepath.Join(t.TempDir(), "m.safetensors")
	if err := Save(path, net, info); err != nil {
		t.Fatal(err)
	}
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return raw
}

// loadBytes writes raw to a temporary file and loads it.
func loadBytes(t testing.TB, raw []byte) (*nn.Network, *Info, error) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "m.safetensors")
	if err := os.WriteFile(path, raw, 0o644); err != nil {
		t.Fatal(err)
	}
	return Load(path)
}

// splitFile splits a safetensors file into its JSON header (decoded
// generically) and data section, independently of the package's reader.
func splitFile(t testing.TB, raw []byte) (map[string]any, []byte) {
	t.Helper()
	if len(raw) < 8 {
		t.Fatalf("file of %d bytes", len(raw))
	}
	n := binary.LittleEndian.Uint64(raw)
	if n > uint64(len(raw)-8) {
		t.Fatalf("header length %d beyond the file", n)
	}
	var h map[string]any
	if err := json.Unmarshal(raw[8:8+n], &h); err != nil {
		t.Fatal(err)
	}
	return h, raw[8+n:]
}

// joinFile assembles a safetensors file from a header and a data section.
func joinFile(t testing.TB, h map[string]any, data []byte) []byte {
	t.Helper()
	hdr, err := json.Marshal(h)
	if err != nil {
		t.Fatal(err)
	}
	for len(hdr)%8 != 0 {
		hdr = append(hdr, ' ')
	}
	out := binary.LittleEndian.AppendUint64(nil, uint64(len(hdr)))
	return append(append(out, hdr...), data...)
}

// editHeader returns raw with its header changed by edit.
func editHeader(t testing.TB, raw []byte, edit func(h map[string]any)) []byte {
	t.Helper()
	h, data := splitFile(t, raw)
	edit(h)
	return joinFile(t, h, bytes.Clone(data))
}

// metadata returns the metadata object of a decoded header.
func metadata(h map[string]any) map[string]any { return h[MetadataKey].(map[string]any) }

// wantFormatError checks that err is a *FormatError whose message contains
// every part.
func wantFormatError(t *testing.T, err error, parts ...string) {
	t.Helper()
	var fe *FormatError
	if !errors.As(err, &fe) {
		t.Fatalf("got %v (%T), want a *FormatError", err, err)
	}
	for _, p := range parts {
		if !strings.Contains(err.Error(), p) {
			t.Fatalf("error %q does not say %q", err, p)
		}
	}
}
