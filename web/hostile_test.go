package web

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"fmt"
	"hash/crc32"
	"image"
	"image/color"
	"image/png"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
)

// pngHeader is the start of a PNG file that claims w×h pixels: the
// signature and a valid IHDR chunk, then nothing.
func pngHeader(w, h uint32) []byte {
	var b bytes.Buffer
	b.WriteString("\x89PNG\r\n\x1a\n")
	ihdr := make([]byte, 17)
	copy(ihdr, "IHDR")
	binary.BigEndian.PutUint32(ihdr[4:], w)
	binary.BigEndian.PutUint32(ihdr[8:], h)
	ihdr[12], ihdr[13] = 8, 0 // 8-bit greyscale
	binary.Write(&b, binary.BigEndian, uint32(13))
	b.Write(ihdr)
	binary.Write(&b, binary.BigEndian, crc32.ChecksumIEEE(ihdr))
	return b.Bytes()
}

func blankPNG(t *testing.T) []byte {
	img := image.NewGray(image.Rect(0, 0, 50, 50))
	for i := range img.Pix {
		img.Pix[i] = 255
	}
	img.SetGray(3, 3, color.Gray{250})
	var buf bytes.Buffer
	png.Encode(&buf, img)
	return buf.Bytes()
}

// jsonPixels is a JSON body of n values, all v (a literal).
func jsonPixels(n int, v string) []byte {
	return []byte(`{"pixels": [` + strings.TrimSuffix(strings.Repeat(v+",", n), ",") + `]}`)
}

// TestMalformedRequests: every malformed request gets a 4xx and a JSON
// reason that says what was wrong; nothing panics (the server's log is
// watched), and a decompression bomb is refused from its header.
func TestMalformedRequests(t *testing.T) {
	_, ts, _ := newTestServer(t, smallSpec, Config{})
	good := digitPNG(t, testDigits(t)[:784], 2)
	for _, c := range []struct {
		name, method, path, ct string
		body                   []byte
		status                 int
		reason                 string
	}{
		{"empty image", "POST", "/api/predict", "image/png", nil, 400, "empty request body"},
		{"empty JSON", "POST", "/api/predict", "application/json", nil, 400, "empty request body"},
		{"huge body", "POST", "/api/predict", "image/png", make([]byte, MaxBodyBytes+1), 413, "request body over"},
		{"huge JSON", "POST", "/api/layers", "application/json", bytes.Repeat([]byte(" "), MaxBodyBytes+10), 413, "request body over"},
		{"no content type", "POST", "/api/predict", "", good, 415, "want image/png"},
		{"text", "POST", "/api/predict", "text/plain", good, 415, `Content-Type "text/plain"`},
		{"form", "POST", "/api/layers", "multipart/form-data; boundary=x", good, 415, "want image/png"},
		{"not an image", "POST", "/api/predict", "image/png", []byte("hello, world"), 400, "not a PNG, JPEG or GIF"},
		{"truncated PNG", "POST", "/api/predict", "image/png", good[:len(good)/2], 400, "corrupt png"},
		{"bomb", "POST", "/api/predict", "image/png", pngHeader(1e6, 1e6), 413, "1000000×1000000 pixels"},
		{"just too big", "POST", "/api/layers", "image/png", pngHeader(4096, 4097), 413, "at most 16777216 pixels"},
		{"zero size", "POST", "/api/predict", "image/png", pngHeader(0, 5), 400, "not a PNG"},
		{"blank", "POST", "/api/predict", "image/png", blankPNG(t), 422, "no digit found"},
		{"bad JSON", "POST", "/api/predict", "application/json", []byte("{"), 400, "JSON"},
		{"JSON array", "POST", "/api/predict", "application/json", []byte("[1,2]"), 400, "JSON"},
		{"JSON string", "POST", "/api/predict", "application/json", []byte(`{"pixels": "x"}`), 400, "JSON"},
		{"unknown field", "POST", "/api/predict", "application/json", []byte(`{"pixels": [], "label": 3}`), 400, "unknown field"},
		{"trailing", "POST", "/api/predict", "application/json", append(jsonPixels(784, "0"), "{}"...), 400, "more after"},
		{"NaN", "POST", "/api/predict", "application/json", jsonPixels(784, "NaN"), 400, "invalid character 'N'"},
		{"overflow", "POST", "/api/predict", "application/json", jsonPixels(784, "1e999"), 400, "JSON"},
		{"nested", "POST", "/api/predict", "application/json", []byte(`{"pixels": [[0], 1]}`), 400, "pixels[0] = [0"},
		{"strings", "POST", "/api/predict", "application/json", []byte(`{"pixels": ["0.5", "1"]}`), 400, "want a number"},
		{"booleans", "POST", "/api/predict", "application/json", []byte(`{"pixels": [0, true]}`), 400, "pixels[1] = true"},
		{"null", "POST", "/api/predict", "application/json", []byte(`{"pixels": null}`), 400, "0 values, want 784"},
		{"too many", "POST", "/api/predict", "application/json", jsonPixels(785, "0"), 400, "785 values, want 784"},
		{"too few", "POST", "/api/layers", "application/json", jsonPixels(10, "0"), 400, "10 values, want 784"},
		{"none", "POST", "/api/layers", "application/json", []byte(`{}`), 400, "0 values, want 784"},
		{"above 1", "POST", "/api/predict", "application/json", jsonPixels(784, "1.5"), 400, "pixels[0] = 1.5"},
		{"negative", "POST", "/api/predict", "application/json", jsonPixels(784, "-0.1"), 400, "want a number in 0..1"},
		{"layer 0", "POST", "/api/layers/0", "image/png", good, 404, "layers 1 to 9"},
		{"layer 9", "GET", "/api/layers/10?pixels=AA", "", nil, 404, "layers 1 to 9"},
		{"layer x", "GET", "/api/layers/x", "", nil, 404, `layer "x"`},
		{"no pixels", "GET", "/api/layers/1", "", nil, 400, "no pixels"},
		{"bad base64", "GET", "/api/layers/1?pixels=!!", "", nil, 400, "not base64"},
		{"short pixels", "GET", "/api/layers/1?pixels=AAAA", "", nil, 400, "3 bytes, want 784"},
		{"no such endpoint", "GET", "/api/nothing", "", nil, 404, "GET /api/model describes it"},
		{"sample of a classifier", "GET", "/api/sample", "", nil, 404, "a digits model"},
		{"post a file", "POST", "/index.html", "text/plain", []byte("x"), 405, "read with GET"},
		{"get predict", "GET", "/api/predict", "", nil, 405, "it takes POST"},
		{"delete model", "DELETE", "/api/model", "", nil, 405, "it takes GET"},
	} {
		req, err := http.NewRequest(c.method, ts.URL+c.path, bytes.NewReader(c.body))
		if err != nil {
			t.Fatal(err)
		}
		if c.ct != "" {
			req.Header.Set("Content-Type", c.ct)
		}
		code, b := do(t, req)
		var e errorJSON
		decode(t, b, &e)
		if code != c.status || e.Error == "" || !strings.Contains(e.Error, c.reason) {
			t.Errorf("%s: %d %.200q, want %d and %q", c.name, code, b, c.status, c.reason)
		}
	}
}

// rawGet sends one GET request with the path exactly as given (no client
// cleans it) and returns the status and body.
func rawGet(t *testing.T, addr, path string) (int, string) {
	t.Helper()
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	fmt.Fprintf(conn, "GET %s HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", path)
	res, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res.StatusCode, string(b)
}

// TestStaticFilesAndTraversal: the page's files are served, and no path,
// however dotted or escaped, reaches a file beside them.
func TestStaticFilesAndTraversal(t *testing.T) {
	_, ts, _ := newTestServer(t, smallSpec, Config{})
	addr := strings.TrimPrefix(ts.URL, "http://")
	for path, want := range map[string]string{"/": "<canvas id=\"pad\"", "/digits.js": "function initDigits", "/style.css": "#pad"} {
		if code, body := rawGet(t, addr, path); code != 200 || !strings.Contains(body, want) {
			t.Errorf("%s: %d, want %q in %.100q", path, code, want, body)
		}
	}
	for _, path := range []string{"/../go.mod", "/../../go.mod", "/..%2f..%2fgo.mod", "/%2e%2e/%2e%2e/go.mod", "/%2e%2e%2fweb%2fdoc.go",
		"/static/../doc.go", "/digits.js/../../doc.go", "//etc/passwd", "/..\\..\\go.mod", "/%5c..%5c..%5cgo.mod", "/./../http.go",
		"/static/index.html", "/doc.go", "/http.go", "/api/../../go.mod", "/index.html%00.js", "/.", "/.."} {
		code, body := rawGet(t, addr, path)
		for _, leak := range []string{"module github.com", "package web", "root:"} {
			if strings.Contains(body, leak) {
				t.Errorf("%s: %d and %q leaked", path, code, leak)
			}
		}
		if code >= 500 {
			t.Errorf("%s: %d", path, code)
		}
	}
}
