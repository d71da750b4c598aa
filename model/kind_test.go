package model

import (
	"errors"
	"path/filepath"
	"strings"
	"testing"
)

// TestKinds: a network's file carries no kind and loads as before (also
// with "kind": "network"); a file of another kind is refused by Load with
// a *KindError that names the file and both kinds.
func TestKinds(t *testing.T) {
	net := testNet(t, "fc:10:relu softmax:10", 1)
	f, err := Encode(net, Info{})
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := f.Metadata[KindKey]; ok || KindOf(f) != KindNetwork || CheckKind(f, KindNetwork) != nil {
		t.Fatalf("a network's file: metadata %v, kind %q", f.Metadata, KindOf(f))
	}
	dir := t.TempDir()
	for _, c := range []struct{ kind, want string }{
		{KindNetwork, ""},
		{"rbm", `the file holds a restricted Boltzmann machine (metadata kind "rbm"), not a network`},
		{"dbn", `the file holds a deep belief net (metadata kind "dbn"), not a network`},
		{"gan", `the file holds a model of kind "gan" (metadata kind "gan"), not a network`},
	} {
		f.Metadata[KindKey] = c.kind
		path := filepath.Join(dir, c.kind+".safetensors")
		if err := WriteFileAtomic(path, f); err != nil {
			t.Fatal(err)
		}
		_, _, err := Load(path)
		if c.want == "" {
			if err != nil {
				t.Errorf("kind %q: %v", c.kind, err)
			}
			continue
		}
		var ke *KindError
		if !errors.As(err, &ke) || ke.Kind != c.kind || ke.Want != KindNetwork || !strings.Contains(err.Error(), path+": "+c.want) {
			t.Errorf("kind %q: error %v, want a KindError saying %q", c.kind, err, c.want)
		}
	}
}
