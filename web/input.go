package web

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"image"
	"io"
	"math"
	"mime"
	"net/http"
	"strconv"
	"strings"

	"github.com/deepnet-go/deepnet/imageprep"
)

// The bounds on what a request may hand the server.
const (
	// MaxBodyBytes is the largest request body read: an image file or
	// JSON (a larger one is refused with 413 once that much is read).
	MaxBodyBytes = 8 << 20
	// MaxImagePixels is the largest image (width × height) decoded, 4096
	// × 4096: the size in its header is checked first, so that a small
	// file claiming enormous dimensions (a decompression bomb) is refused
	// before any pixel is decoded.
	MaxImagePixels = 4096 * 4096
)

// requestError is a request the server cannot answer, and the status that
// says why (4xx).
type requestError struct {
	status int
	reason string
}

func (e *requestError) Error() string { return e.reason }

func badRequest(format string, a ...any) error {
	return &requestError{http.StatusBadRequest, fmt.Sprintf(format, a...)}
}

// inputJSON is the JSON form of one digit: the network's input values,
// row-major, 0 for background and 1 for full ink (MNIST's polarity).
type inputJSON struct {
	Pixels []float64 `json:"pixels"`
}

// rawInputJSON is inputJSON as the server reads it: encoding/json checks
// the syntax and finds the array, and numbers parses its values, which
// costs a quarter of what decoding them one by one through reflection
// does.
type rawInputJSON struct {
	Pixels json.RawMessage `json:"pixels"`
}

// numbers parses a JSON array of numbers (its syntax already checked).
func numbers(raw json.RawMessage) ([]float64, error) {
	s := strings.TrimSpace(string(raw))
	if s == "null" || s == "" {
		return nil, nil
	}
	if len(s) < 2 || s[0] != '[' || s[len(s)-1] != ']' {
		return nil, fmt.Errorf("want an array of numbers, not %.20s", s)
	}
	inner := s[1 : len(s)-1]
	if strings.TrimSpace(inner) == "" {
		return []float64{}, nil
	}
	out := make([]float64, 0, strings.Count(inner, ",")+1)
	for tok := range strings.SplitSeq(inner, ",") {
		tok = strings.TrimSpace(tok)
		v, err := strconv.ParseFloat(tok, 64)
		if err != nil || tok == "" || !(tok[0] == '-' || tok[0] >= '0' && tok[0] <= '9') {
			return nil, fmt.Errorf("pixels[%d] = %.20s: want a number", len(out), tok)
		}
		out = append(out, v)
	}
	return out, nil
}

// readBody reads a request's body, at most MaxBodyBytes of it.
func readBody(w http.ResponseWriter, r *http.Request) ([]byte, error) {
	b, err := io.ReadAll(http.MaxBytesReader(w, r.Body, MaxBodyBytes))
	var tooBig *http.MaxBytesError
	switch {
	case errors.As(err, &tooBig):
		return nil, &requestError{http.StatusRequestEntityTooLarge, fmt.Sprintf("request body over %d bytes", MaxBodyBytes)}
	case err != nil:
		return nil, badRequest("reading the request body: %v", err)
	case len(b) == 0:
		return nil, badRequest("empty request body: send an image (PNG, JPEG, GIF) or JSON {\"pixels\": [%d values in 0..1]}", imageprep.Size*imageprep.Size)
	}
	return b, nil
}

// readDigit reads the digit a request's body holds, by its Content-Type:
// an image (image/png, image/jpeg or image/gif: any size up to
// MaxImagePixels, prepared as deepnet predict prepares files) or
// application/json (inputJSON). It returns the network's input.
func (s *Server) readDigit(w http.ResponseWriter, r *http.Request) ([]float32, error) {
	ct, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err != nil {
		ct = r.Header.Get("Content-Type")
	}
	isImage := ct == "image/png" || ct == "image/jpeg" || ct == "image/gif"
	if !isImage && ct != "application/json" {
		return nil, &requestError{http.StatusUnsupportedMediaType,
			fmt.Sprintf("Content-Type %q: want image/png, image/jpeg, image/gif or application/json", ct)}
	}
	body, err := readBody(w, r)
	if err != nil {
		return nil, err
	}
	if isImage {
		return s.decodeImage(r.Context(), body)
	}
	var in rawInputJSON
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&in); err != nil {
		return nil, badRequest("JSON: %v (want {\"pixels\": [%d values in 0..1]})", err, s.net.In.Size())
	}
	if dec.More() {
		return nil, badRequest("JSON: more after the object")
	}
	v, err := numbers(in.Pixels)
	if err != nil {
		return nil, badRequest("JSON: %v", err)
	}
	return s.checkPixels(v)
}

// checkPixels returns v as the network's input, or why it cannot be one.
func (s *Server) checkPixels(v []float64) ([]float32, error) {
	n := s.net.In.Size()
	if len(v) != n {
		return nil, badRequest("pixels: %d values, want %d (%s, row-major)", len(v), n, s.net.In)
	}
	x := make([]float32, n)
	for i, p := range v {
		if !(p >= 0 && p <= 1) || math.IsNaN(p) {
			return nil, badRequest("pixels[%d] = %v: want a number in 0..1", i, p)
		}
		x[i] = float32(p)
	}
	return x, nil
}

// decodeImage prepares an image file's bytes as an MNIST digit, its size
// checked from its header before it is decoded; at most GOMAXPROCS images
// are decoded at once.
func (s *Server) decodeImage(ctx context.Context, b []byte) ([]float32, error) {
	cfg, format, err := image.DecodeConfig(bytes.NewReader(b))
	if err != nil {
		return nil, badRequest("not a PNG, JPEG or GIF image: %v", err)
	}
	if px := int64(cfg.Width) * int64(cfg.Height); px < 1 || px > MaxImagePixels {
		return nil, &requestError{http.StatusRequestEntityTooLarge,
			fmt.Sprintf("%s image of %d×%d pixels: at most %d pixels", format, cfg.Width, cfg.Height, MaxImagePixels)}
	}
	select {
	case s.decoders <- struct{}{}:
		defer func() { <-s.decoders }()
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	img, err := imageprep.Decode(bytes.NewReader(b))
	if err != nil {
		return nil, badRequest("%v", strings.TrimPrefix(err.Error(), "imageprep: "))
	}
	pix, err := imageprep.Digit(img)
	if errors.Is(err, imageprep.ErrNoDigit) {
		return nil, &requestError{http.StatusUnprocessableEntity, "no digit found in the image (blank, or of nearly one colour)"}
	}
	if err != nil {
		return nil, badRequest("%v", strings.TrimPrefix(err.Error(), "imageprep: "))
	}
	return toInput(pix), nil
}

// toInput scales MNIST's bytes to the network's 0..1.
func toInput(pix []uint8) []float32 {
	x := make([]float32, len(pix))
	for i, v := range pix {
		x[i] = float32(v) / 255
	}
	return x
}

// queryPixels reads the query parameter "pixels": the digit's bytes (one
// a value, 0..255, row-major) in base64, standard or URL-safe, padded or
// not.
func (s *Server) queryPixels(r *http.Request) ([]float32, error) {
	q := r.URL.Query().Get("pixels")
	if q == "" {
		return nil, badRequest("no pixels: give ?pixels= the %d bytes of the digit (0..255, row-major) in base64", s.net.In.Size())
	}
	q = strings.TrimRight(strings.NewReplacer("-", "+", "_", "/").Replace(q), "=")
	b, err := base64.RawStdEncoding.DecodeString(q)
	if err != nil {
		return nil, badRequest("pixels: not base64: %v", err)
	}
	if len(b) != s.net.In.Size() {
		return nil, badRequest("pixels: %d bytes, want %d (%s, row-major)", len(b), s.net.In.Size(), s.net.In)
	}
	return toInput(b), nil
}
