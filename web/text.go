package web

import (
	"errors"
	"math/rand/v2"
	"net/http"
	"strconv"
	"time"
)

// The bounds of GET /api/sample.
const (
	// MaxSample is the most bytes one request draws.
	MaxSample = 10000
	// MaxPrime is the longest text to start from.
	MaxPrime = 1000
)

// errStopped ends a sample when the server shuts down.
var errStopped = errors.New("server shutting down")

// handleSample answers GET /api/sample?prime=TEXT&length=N&temperature=T&seed=S
// with the bytes a character model draws after reading prime, streamed
// as they are drawn (text/plain; length 400, temperature 1 and a random
// seed by default). One sample is drawn at a time; the others wait.
func (s *Server) handleSample(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	prime := q.Get("prime")
	length, temperature, seed := 400, 1.0, rand.Uint64()
	var err error
	if v := q.Get("length"); v != "" {
		if length, err = strconv.Atoi(v); err != nil || length < 1 || length > MaxSample {
			writeError(w, badRequest("length %q: want 1 to %d bytes", v, MaxSample))
			return
		}
	}
	if v := q.Get("temperature"); v != "" {
		if temperature, err = strconv.ParseFloat(v, 64); err != nil || !(temperature >= 0.01 && temperature <= 10) {
			writeError(w, badRequest("temperature %q: want a number from 0.01 to 10", v))
			return
		}
	}
	if v := q.Get("seed"); v != "" {
		if seed, err = strconv.ParseUint(v, 10, 64); err != nil {
			writeError(w, badRequest("seed %q: want a whole number", v))
			return
		}
	}
	if len(prime) > MaxPrime {
		writeError(w, badRequest("prime of %d bytes: at most %d", len(prime), MaxPrime))
		return
	}
	select {
	case s.sampling <- struct{}{}:
		defer func() { <-s.sampling }()
	case <-r.Context().Done():
		writeError(w, r.Context().Err())
		return
	}
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(http.StatusOK)
	rc := http.NewResponseController(w)
	stop, done := stopping(r), r.Context().Done()
	buf := []byte{0}
	emit := func(c byte) error {
		select {
		case <-done:
			return r.Context().Err()
		case <-stop:
			return errStopped
		default:
		}
		rc.SetWriteDeadline(time.Now().Add(WriteTimeout))
		buf[0] = c
		if _, err := w.Write(buf); err != nil {
			return err
		}
		return rc.Flush()
	}
	rng := rand.New(rand.NewPCG(seed, 0))
	// An error (the client gone, the server stopping) just ends the
	// stream: the status is sent.
	_ = s.sampler.Generate([]byte(prime), length, temperature, rng, emit)
}
