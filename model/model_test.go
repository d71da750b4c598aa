package model

import (
	"bytes"
	"encoding/binary"
	"math"
	"path/filepath"
	"reflect"
	"runtime"
	"strings"
	"testing"

	"github.com/deepnet-go/deepnet/internal/nettest"
	"github.com/deepnet-go/deepnet/nn"
)

var testInfo = Info{Preset: "relu", Eta: 0.03, Lambda: 0.1, BatchSize: 10, Epochs: 60, Seed: 9,
	Data: "mnist-50k", BestEpoch: 41, ValidationAccuracy: 0.9921, TestAccuracy: 0.9923,
	Extra: map[string]string{"version": "test"}}

func TestSaveLoadRoundTrip(t *testing.T) {
	for _, spec := range []string{testSpec, "conv:3x5x5 maxpool:2 relu dropout:0.5:network3 fc:10:relu dropout:0.3 softmax:10"} {
		t.Run(spec, func(t *testing.T) { checkRoundTrip(t, spec) })
	}
}

// checkRoundTrip saves and loads a network of spec and checks that the
// configuration, weights, predictions and bytes survive.
func checkRoundTrip(t *testing.T, spec string) {
	net := testNet(t, spec, 3)
	net.Init = nn.InitHe
	raw := saveBytes(t, net, testInfo)
	got, info, err := loadBytes(t, raw)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(*info, testInfo) {
		t.Fatalf("info %+v, want %+v", *info, testInfo)
	}
	if got.Spec.String() != net.Spec.String() || got.In != net.In || got.Seed != 3 || got.Init != nn.InitHe || got.MaxBatch != DefaultMaxBatch {
		t.Fatalf("config %+v, want %+v", got.Config, net.Config)
	}
	for i, p := range net.Params() {
		q := got.Params()[i]
		if q.Name != p.Name || !reflect.DeepEqual(q.Value.Shape, p.Value.Shape) || !reflect.DeepEqual(q.Value.Data, p.Value.Data) {
			t.Fatalf("parameter %s differs after loading", p.Name)
		}
	}
	x := images(8, 1)
	want := append([]float32(nil), net.Forward(x, 8, false)...)
	if out := got.Forward(x, 8, false); !reflect.DeepEqual(out, want) {
		t.Fatalf("predictions differ: %v, want %v", out[:10], want[:10])
	}
	// Saving the loaded network gives the same bytes.
	if again := saveBytes(t, got, *info); !bytes.Equal(again, raw) {
		t.Fatal("Save(Load(file)) differs from file")
	}
}

func TestSaveIsDeterministic(t *testing.T) {
	a := saveBytes(t, testNet(t, testSpec, 5), testInfo)
	b := saveBytes(t, testNet(t, testSpec, 5), testInfo)
	if !bytes.Equal(a, b) {
		t.Fatal("two saves of the same network differ")
	}
}

// TestSavedFileIndependently reads a saved model with the minimal reader of
// helpers_test.go and checks every name, shape, value and metadata key.
func TestSavedFileIndependently(t *testing.T) {
	net := testNet(t, testSpec, 4)
	h, data := splitFile(t, saveBytes(t, net, testInfo))
	md := metadata(h)
	for k, v := range map[string]string{"format": "deepnet", "format_version": "1", "spec": testSpec[:0] + net.Spec.String(),
		"input": "1x28x28", "init": "network3", "seed": "4"} {
		if md[k] != v {
			t.Errorf("metadata %s = %v, want %q", k, md[k], v)
		}
	}
	if !strings.Contains(md["training"].(string), `"test_accuracy":0.9923`) {
		t.Errorf("training metadata %v", md["training"])
	}
	want := map[string][]float64{"0.weight": {3, 1, 5, 5}, "0.bias": {3}, "3.weight": {4, 3, 3, 3}, "3.bias": {4},
		"6.weight": {10, 100}, "6.bias": {10}, "8.weight": {10, 10}, "8.bias": {10}}
	if len(h) != len(want)+1 {
		t.Fatalf("%d header entries, want %d", len(h), len(want)+1)
	}
	for _, p := range net.Params() {
		e := h[p.Name].(map[string]any)
		var shape []float64
		for _, d := range e["shape"].([]any) {
			shape = append(shape, d.(float64))
		}
		if !reflect.DeepEqual(shape, want[p.Name]) || e["dtype"] != "F32" {
			t.Fatalf("%s: entry %v, want shape %v", p.Name, e, want[p.Name])
		}
		begin := int(e["data_offsets"].([]any)[0].(float64))
		for i, v := range p.Value.Data {
			if got := math.Float32frombits(binary.LittleEndian.Uint32(data[begin+4*i:])); got != v {
				t.Fatalf("%s[%d] = %v, want %v", p.Name, i, got, v)
			}
		}
	}
}

// TestLoadRejectsCorruptFiles damages a saved model in each way Load must
// report clearly.
func TestLoadRejectsCorruptFiles(t *testing.T) {
	raw := saveBytes(t, testNet(t, testSpec, 6), testInfo)
	n := int(binary.LittleEndian.Uint64(raw))
	edit := func(f func(h map[string]any)) []byte { return editHeader(t, raw, f) }
	setMeta := func(k, v string) []byte { return edit(func(h map[string]any) { metadata(h)[k] = v }) }
	flipped := bytes.Clone(raw)
	flipped[8+n+100] ^= 1
	cases := []struct {
		name string
		raw  []byte
		want []string
	}{
		{"flipped data byte", flipped, []string{"data SHA-256 does not match the header: file corrupt"}},
		{"edited spec", setMeta("spec", strings.Replace(testSpec, "conv:4x3x3", "conv:4x5x5", 1)),
			[]string{"tensor 3.weight has shape [4 3 3 3], the spec conv:4x5x5 needs [4 3 5 5]"}},
		{"spec too deep", setMeta("spec", "conv:3x5x5 conv:3x30x30 softmax:10"), []string{"does not fit input", "smaller than"}},
		{"bad spec", setMeta("spec", "conv:3x5 softmax:10"), []string{"metadata spec"}},
		{"bad input", setMeta("input", "1x28"), []string{"metadata input"}},
		{"other input", setMeta("input", "1x32x32"), []string{"tensor 6.weight has shape [10 100], the spec fc:10 needs [10 144]"}},
		{"huge input", setMeta("input", "1000000x1000x1000"), []string{"the network would need", "more than the limit"}},
		{"NaN weight", nonFinite(t, float32(math.NaN())), []string{"tensor 3.weight holds NaN at index 5"}},
		{"infinite weight", nonFinite(t, float32(math.Inf(-1))), []string{"tensor 3.weight holds -Inf at index 5"}},
		{"bad init", setMeta("init", "xavier"), []string{"metadata init"}},
		{"bad seed", setMeta("seed", "-1"), []string{"metadata seed"}},
		{"bad training", setMeta("training", "{"), []string{"metadata training is not valid JSON"}},
		{"version", setMeta("format_version", "2"), []string{`unsupported format_version "2"`}},
		{"format", setMeta("format", "pytorch"), []string{"not a deepnet model"}},
		{"no digest", edit(func(h map[string]any) { delete(metadata(h), DigestKey) }), []string{"no sha256"}},
		{"unknown tensor", edit(func(h map[string]any) {
			h["extra"] = map[string]any{"dtype": "F32", "shape": []int{0}, "data_offsets": []int{0, 0}}
		}), []string{"unknown tensor extra"}},
		{"missing tensor", edit(func(h map[string]any) {
			h["9.weight"] = h["0.bias"]
			delete(h, "0.bias")
		}), []string{"missing tensor 0.bias: the spec conv:3x5x5 needs [3]"}},
		{"bad JSON", append(binary.LittleEndian.AppendUint64(nil, uint64(n)), append([]byte(`{"x":`), raw[13+8:]...)...), []string{"header JSON invalid"}},
		{"huge header length", append(binary.LittleEndian.AppendUint64(nil, 1<<40), raw[8:]...), []string{"exceeds the 100 MB limit"}},
		{"not safetensors", []byte("PK\x03\x04 this is a zip file, not a model"), []string{"not a safetensors file"}},
	}
	// Truncated at several points: in the length, the header, the data.
	for _, at := range []int{0, 5, 8, 9, 8 + n/2, 8 + n, 8 + n + 1, len(raw) - 4, len(raw) - 1} {
		cases = append(cases, struct {
			name string
			raw  []byte
			want []string
		}{"truncated", raw[:at], nil})
	}
	for _, c := range cases {
		_, _, err := loadBytes(t, c.raw)
		if err == nil {
			t.Errorf("%s: no error", c.name)
			continue
		}
		t.Logf("%s (%d bytes): %v", c.name, len(c.raw), err)
		t.Run(c.name, func(t *testing.T) { wantFormatError(t, err, append(c.want, "m.safetensors")...) })
	}
}

// nonFinite is a model file, digest and all, whose weight 3.weight[5] is v.
func nonFinite(t *testing.T, v float32) []byte {
	net := testNet(t, testSpec, 6)
	for _, p := range net.Params() {
		if p.Name == "3.weight" {
			p.Value.Data[5] = v
		}
	}
	return saveBytes(t, net, testInfo)
}

func TestLoadWithOptions(t *testing.T) {
	net := testNet(t, testSpec, 8)
	path := filepath.Join(t.TempDir(), "m.safetensors")
	f, err := Encode(net, Info{})
	if err != nil {
		t.Fatal(err)
	}
	// A checkpoint's extra tensor.
	f.Tensors = append(f.Tensors, Tensor{Name: "velocity.0.bias", Shape: []int{3}, Data: []float32{1, 2, 3}})
	if err := WriteFileAtomic(path, f); err != nil {
		t.Fatal(err)
	}
	if _, _, err := Load(path); err == nil || !strings.Contains(err.Error(), "unknown tensor velocity.0.bias") {
		t.Fatalf("extra tensor: %v", err)
	}
	got, info, err := LoadWith(path, Options{MaxBatch: 3, IgnoreExtra: true})
	if err != nil {
		t.Fatal(err)
	}
	if got.MaxBatch != 3 || !reflect.DeepEqual(*info, Info{}) {
		t.Fatalf("MaxBatch %d, info %+v", got.MaxBatch, info)
	}
	if _, _, err := LoadWith(path, Options{MaxBatch: -1}); err == nil {
		t.Fatal("negative MaxBatch accepted")
	}
}

// TestHostileSpecIsCheap: a 20 MB model file whose spec is 20 MB of layers,
// or more layers than a spec may have, or a network of terabytes, is
// refused before the spec is read or the network built, in memory of a
// few times the file's size (reading its JSON header).
func TestHostileSpecIsCheap(t *testing.T) {
	raw := saveBytes(t, testNet(t, testSpec, 6), testInfo)
	for name, spec := range map[string]string{
		"long":  strings.Repeat("relu ", 4<<20),
		"many":  strings.Repeat("relu ", nn.MaxSpecLayers+1),
		"large": "fc:1000000 fc:1000000 softmax:10",
	} {
		hostile := editHeader(t, raw, func(h map[string]any) { metadata(h)["spec"] = spec })
		var before, after runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&before)
		_, _, err := loadBytes(t, hostile)
		runtime.ReadMemStats(&after)
		if err == nil {
			t.Fatalf("%s: accepted", name)
		}
		if grown := after.TotalAlloc - before.TotalAlloc; grown > 8*uint64(len(hostile))+(16<<20) {
			t.Errorf("%s: refusing a %d-byte file allocated %d bytes: %v", name, len(hostile), grown, err)
		}
	}
}

// TestSequenceModel saves and loads a network over sequences of tokens:
// the input shape "seq:TxC" round trips, and so do the outputs.
func TestSequenceModel(t *testing.T) {
	net := nettest.New(t, "embed:5x3 gru:4x2:seq softmax:5", nn.Shape{C: 1, H: 1, W: 1, Flat: true, T: 6}, 2, 1)
	path := filepath.Join(t.TempDir(), "seq.safetensors")
	if err := Save(path, net, Info{}); err != nil {
		t.Fatal(err)
	}
	got, _, err := Load(path)
	if err != nil {
		t.Fatal(err)
	}
	if got.In != net.In {
		t.Fatalf("input %+v, saved %+v", got.In, net.In)
	}
	x := []float32{0, 1, 2, 3, 4, 0, 1, 2, 3, 4, 4, 4}
	want := append([]float32(nil), net.Forward(x, 2, false)...)
	for i, v := range got.Forward(x, 2, false) {
		if v != want[i] {
			t.Fatalf("output %d: %v, saved network's %v", i, v, want[i])
		}
	}
	for _, bad := range []string{"seq:6", "seq:0x1", "seq:axb"} {
		if _, err := parseInput(bad); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
}
