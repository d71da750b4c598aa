package web

import (
	"errors"
	"net/http"
	"strings"
	"testing"

	"github.com/deepnet-go/deepnet/nn"
)

// fakeDreamer dreams images whose every pixel is (label+1)/20, plus the
// image's index/1000: enough to check what the page and the API do with
// them.
type fakeDreamer struct{ calls int }

func (f *fakeDreamer) Describe() string { return "a fake of 784-10 and 10 labels" }
func (f *fakeDreamer) Shape() nn.Shape  { return nn.Shape{C: 1, H: 28, W: 28} }
func (f *fakeDreamer) Labels() int      { return 10 }
func (f *fakeDreamer) Dream(label, n, steps int, seed uint64) ([]float32, error) {
	f.calls++
	if seed == 13 {
		return nil, errors.New("no dream tonight")
	}
	out := make([]float32, n*784)
	for i := range out {
		out[i] = float32(label+1)/20 + float32(i/784)/1000
	}
	return out, nil
}

// TestDreams: a dreamer's page gives its dreams of a label; bad
// parameters get a 400 with the reason, and the classifier's endpoints a
// 404.
func TestDreams(t *testing.T) {
	f := &fakeDreamer{}
	s, err := New(Config{Dreamer: f, Path: "x/dbn.safetensors"})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	ts := serveTest(t, s)
	code, b := get(t, ts.URL+"/api/dream?label=3&n=4&steps=5&seed=9")
	var d DreamsJSON
	decode(t, b, &d)
	if code != http.StatusOK || d.Label != 3 || d.Steps != 5 || d.Seed != 9 || len(d.Images) != 4 || len(d.Images[3]) != 784 || !close32(d.Images[3][:1], []float32{0.2 + 0.003}) {
		t.Fatalf("%d %.200q", code, b)
	}
	code, b = get(t, ts.URL+"/api/model")
	var m ModelJSON
	decode(t, b, &m)
	if code != http.StatusOK || m.Kind != "dreams" || m.Name != "dbn.safetensors" || m.Classes != 10 || m.Input.H != 28 {
		t.Errorf("model: %d %+v", code, m)
	}
	calls := f.calls
	for _, c := range []struct {
		query  string
		status int
		reason string
	}{
		{"label=10", 400, `label "10": want a whole number from -1 to 9`}, {"label=-2", 400, "label"}, {"n=0", 400, "n \"0\""},
		{"n=21", 400, "from 1 to 20"}, {"steps=5001", 400, "steps"}, {"steps=x", 400, "steps"}, {"seed=-1", 400, "seed"},
		{"seed=13", 500, "no dream tonight"},
	} {
		code, b := get(t, ts.URL+"/api/dream?"+c.query)
		var e errorJSON
		decode(t, b, &e)
		if code != c.status || !strings.Contains(e.Error, c.reason) {
			t.Errorf("%s: %d %q", c.query, code, b)
		}
	}
	if f.calls != calls+1 {
		t.Errorf("%d dreams for bad parameters", f.calls-calls-1)
	}
	if code, b := post(t, ts.URL+"/api/predict", "application/json", nil); code != http.StatusNotFound || !strings.Contains(string(b), "a dreams model") {
		t.Errorf("predict: %d %q", code, b)
	}
}
