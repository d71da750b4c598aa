package web

import (
	"bytes"
	"encoding/json"
	"image"
	"image/color"
	"image/png"
	"io"
	"log"
	"math"
	"net/http"
	"net/http/httptest"
	"os"
	"testing"

	"github.com/deepnet-go/deepnet/imageprep"
	"github.com/deepnet-go/deepnet/internal/nettest"
	"github.com/deepnet-go/deepnet/nn"
)

// smallSpec is a network of every kind of layer the digit page draws.
const smallSpec = "conv:4x5x5 maxpool:2 relu conv:3x3x3 batchnorm dropout:0.5 fc:12:relu softmax:10"

// reluSpec is the chapter's relu network.
const reluSpec = "conv:20x5x5 maxpool:2 relu conv:40x5x5 maxpool:2 relu fc:100 relu softmax:10"

// newNet builds spec for MNIST's images, its weights random (the softmax
// layer's too, so that the probabilities differ between digits).
func newNet(t testing.TB, spec string, maxBatch int) *nn.Network {
	t.Helper()
	net := nettest.New(t, spec, nettest.MNIST, maxBatch, 1)
	nettest.Randomize(net, 2, 0.3)
	for _, p := range net.Params() {
		if p.Grad == nil { // batch normalisation's running statistics
			for i, v := range p.Value.Data {
				p.Value.Data[i] = float32(math.Abs(float64(v))) + 0.5
			}
		}
	}
	return net
}

// newTestServer serves a Server of spec (and its twin, an identical
// network for reference) over httptest.
func newTestServer(t testing.TB, spec string, cfg Config) (*Server, *httptest.Server, *nn.Network) {
	t.Helper()
	if cfg.Net == nil {
		cfg.Net = newNet(t, spec, 8)
	}
	s, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(s.Close)
	ts := serveTest(t, s)
	c := cfg.Net.Config
	c.MaxBatch = 1
	ref, err := nn.New(c)
	if err != nil {
		t.Fatal(err)
	}
	for i, p := range cfg.Net.Params() {
		copy(ref.Params()[i].Value.Data, p.Value.Data)
	}
	return s, ts, ref
}

// serveTest serves h over httptest, watching its log for panics, until
// the test ends.
func serveTest(t testing.TB, h http.Handler) *httptest.Server {
	ts := httptest.NewUnstartedServer(h)
	ts.Config.ErrorLog = log.New(panicCatcher{t}, "", 0)
	ts.Start()
	t.Cleanup(ts.Close)
	return ts
}

// panicCatcher fails the test on a panic that net/http caught and
// logged: a handler must never panic.
type panicCatcher struct{ t testing.TB }

func (p panicCatcher) Write(b []byte) (int, error) {
	if bytes.Contains(b, []byte("panic")) {
		p.t.Errorf("the server logged: %s", b)
	}
	return len(b), nil
}

// testDigits reads imageprep's ten MNIST test digits (image i is digit i).
func testDigits(t testing.TB) []uint8 {
	t.Helper()
	b, err := os.ReadFile("../imageprep/testdata/digits.idx")
	if err != nil {
		t.Fatal(err)
	}
	return b[16:]
}

// digitPNG draws MNIST digit pix dark on light, scaled up, as a PNG.
func digitPNG(t testing.TB, pix []uint8, scale int) []byte {
	t.Helper()
	img := image.NewGray(image.Rect(0, 0, 28*scale, 28*scale))
	for y := range 28 * scale {
		for x := range 28 * scale {
			img.SetGray(x, y, color.Gray{255 - pix[(y/scale)*28+x/scale]})
		}
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// post sends body with content type ct and returns the status and body.
func post(t testing.TB, url, ct string, body []byte) (int, []byte) {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if ct != "" {
		req.Header.Set("Content-Type", ct)
	}
	return do(t, req)
}

func get(t testing.TB, url string) (int, []byte) {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	return do(t, req)
}

func do(t testing.TB, req *http.Request) (int, []byte) {
	t.Helper()
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	return res.StatusCode, b
}

// decode unmarshals JSON b into v.
func decode(t testing.TB, b []byte, v any) {
	t.Helper()
	if err := json.Unmarshal(b, v); err != nil {
		t.Fatalf("%v in %.300q", err, b)
	}
}

// pixelsJSON is the JSON body of the digit pix.
func pixelsJSON(t testing.TB, pix []uint8) []byte {
	t.Helper()
	v := make([]float64, len(pix))
	for i, p := range pix {
		v[i] = float64(p) / 255
	}
	b, err := json.Marshal(inputJSON{Pixels: v})
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func mustDecode(t testing.TB, b []byte) image.Image {
	t.Helper()
	img, err := imageprep.Decode(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	return img
}
