package web

import (
	"math/rand/v2"
	"net/http"
	"strings"
	"testing"

	"github.com/deepnet-go/deepnet/internal/nettest"
	"github.com/deepnet-go/deepnet/lm"
	"github.com/deepnet-go/deepnet/nn"
)

func charModel(t *testing.T) *nn.Network {
	net := nettest.New(t, "embed:256x8 lstm:16:seq softmax:256", nn.Shape{C: 1, H: 1, W: 1, Flat: true, T: 20}, 4, 1)
	nettest.Randomize(net, 3, 0.5)
	return net
}

// TestSample: a character model's page streams the bytes its sampler
// draws, the same for the same seed; bad parameters get a 400 with the
// reason, and the digit endpoints a 404.
func TestSample(t *testing.T) {
	net := charModel(t)
	sampler, err := lm.NewSampler(net)
	if err != nil {
		t.Fatal(err)
	}
	var want []byte
	err = sampler.Generate([]byte("ab"), 50, 0.7, rand.New(rand.NewPCG(3, 0)), func(c byte) error { want = append(want, c); return nil })
	if err != nil {
		t.Fatal(err)
	}
	_, ts, _ := newTestServer(t, "", Config{Net: net})
	code, b := get(t, ts.URL+"/api/sample?prime=ab&length=50&temperature=0.7&seed=3")
	if code != http.StatusOK || string(b) != string(want) {
		t.Fatalf("%d %q, want %q", code, b, want)
	}
	code, b = get(t, ts.URL+"/api/model")
	var m ModelJSON
	decode(t, b, &m)
	if code != 200 || m.Kind != "text" || m.Limits.MaxSample != MaxSample {
		t.Errorf("model: %d %+v", code, m)
	}
	for _, c := range []struct{ query, reason string }{
		{"length=0", "length"}, {"length=10001", "length"}, {"length=x", "length"},
		{"temperature=0", "temperature"}, {"temperature=11", "temperature"}, {"temperature=NaN", "temperature"}, {"temperature=inf", "temperature"},
		{"seed=-1", "seed"}, {"prime=" + strings.Repeat("a", MaxPrime+1), "prime of 1001 bytes"},
	} {
		code, b := get(t, ts.URL+"/api/sample?"+c.query)
		var e errorJSON
		decode(t, b, &e)
		if code != http.StatusBadRequest || !strings.Contains(e.Error, c.reason) {
			t.Errorf("%s: %d %q", c.query, code, b)
		}
	}
	if code, b := post(t, ts.URL+"/api/predict", "application/json", []byte(`{"pixels":[]}`)); code != http.StatusNotFound || !strings.Contains(string(b), "a text model") {
		t.Errorf("predict on a text model: %d %q", code, b)
	}
}

// TestNotAPageModel: a network that is neither a classifier of 28×28
// images nor a character model is a *ModelError.
func TestNotAPageModel(t *testing.T) {
	net := nettest.New(t, "fc:10 softmax:3", nn.Shape{C: 1, H: 5, W: 5}, 1, 1)
	_, err := New(Config{Net: net})
	if _, ok := err.(*ModelError); !ok || !strings.Contains(err.Error(), "1×28×28") {
		t.Errorf("%v", err)
	}
}
