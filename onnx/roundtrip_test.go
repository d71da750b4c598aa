package onnx

import (
	"bytes"
	"errors"
	"testing"
)

// TestExportImportRoundTrip exports each test network, imports it back,
// and checks the spec, the parameters and the predictions are identical.
func TestExportImportRoundTrip(t *testing.T) {
	x := images(5, 1)
	for name, spec := range testSpecs(t) {
		t.Run(name, func(t *testing.T) {
			net := randomNet(t, spec, 2)
			md := map[string]string{"spec": net.Spec.String(), "training": `{"epochs":3}`, "seed": "2", "init": "pytorch"}
			b, err := Encode(net, md)
			if err != nil {
				t.Fatal(err)
			}
			b2, _ := Encode(net, md)
			if !bytes.Equal(b, b2) {
				t.Error("Encode is not deterministic")
			}
			m, err := Decode(b, Options{MaxBatch: 8})
			if err != nil {
				t.Fatal(err)
			}
			if got := m.Net.Spec.String(); got != net.Spec.String() {
				t.Errorf("spec %q, imported as %q", net.Spec, got)
			}
			if m.Metadata["training"] != md["training"] || m.Net.Seed != 2 || m.Net.Init != "pytorch" {
				t.Errorf("metadata %v, seed %d, init %s", m.Metadata, m.Net.Seed, m.Net.Init)
			}
			for i, p := range net.Params() {
				q := m.Net.Params()[i]
				if p.Name != q.Name || !equal(p.Value.Data, q.Value.Data) {
					t.Fatalf("parameter %s differs after the round trip (imported %s)", p.Name, q.Name)
				}
			}
			want, got := forward(net, x, 5), forward(m.Net, x, 5)
			if !equal(want, got) {
				t.Errorf("predictions differ: %v vs %v", want[:10], got[:10])
			}
		})
	}
}

// TestExportUnsupported: a kind without an ONNX form is an
// *UnsupportedError naming it.
func TestExportUnsupported(t *testing.T) {
	net := charNet(t)
	_, err := Encode(net, nil)
	var ue *UnsupportedError
	if !errors.As(err, &ue) || ue.Kind != "embed" || ue.Layer != 1 {
		t.Fatalf("Encode of an embed layer: %v", err)
	}
	t.Log(err)
}

func equal(a, b []float32) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}
