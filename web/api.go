package web

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
)

// handlePredict answers POST /api/predict: the digit of the body (an
// image, or JSON pixels) and its probabilities.
func (s *Server) handlePredict(w http.ResponseWriter, r *http.Request) {
	end := s.b.begin()
	defer end()
	x, err := s.readDigit(w, r)
	if err != nil {
		writeError(w, err)
		return
	}
	j := &job{x: x, n: 1}
	if err := s.b.do(r.Context(), j, end); err != nil {
		writeError(w, err)
		return
	}
	writeJSON(w, http.StatusOK, newPrediction(j.probs))
}

// LayersJSON is the answer of /api/layers: the prediction, the input the
// network saw (the digit after preparation, [H][W] in 0..1) and the
// outputs of the layers asked for.
type LayersJSON struct {
	Prediction
	Input  []float32    `json:"input"`
	Layers []OutputJSON `json:"layers"`
}

// OutputJSON is one layer's output for the digit, [C][H][W] for maps
// ([T][C] for a sequence): its shape is the layer's "out" in /api/model.
type OutputJSON struct {
	Layer int       `json:"layer"`
	Data  []float32 `json:"data"`
}

// handleLayers answers POST /api/layers (every layer's output for the
// body's digit), POST /api/layers/{layer} (one layer's) and GET
// /api/layers/{layer}?pixels=BASE64 (one layer's for the digit's 784
// bytes). Layers are numbered from 1.
func (s *Server) handleLayers(w http.ResponseWriter, r *http.Request) {
	end := s.b.begin()
	defer end()
	var layers []int
	if v := r.PathValue("layer"); v != "" {
		l, err := strconv.Atoi(v)
		if err != nil || l < 1 || l > len(s.net.Layers) {
			writeError(w, &requestError{http.StatusNotFound, fmt.Sprintf("layer %q: the network has layers 1 to %d", v, len(s.net.Layers))})
			return
		}
		layers = []int{l - 1}
	} else {
		for i := range s.net.Layers {
			layers = append(layers, i)
		}
	}
	var x []float32
	var err error
	if r.Method == http.MethodGet {
		x, err = s.queryPixels(r)
	} else {
		x, err = s.readDigit(w, r)
	}
	if err != nil {
		writeError(w, err)
		return
	}
	j := &job{x: x, n: 1, layers: layers}
	if err := s.b.do(r.Context(), j, end); err != nil {
		writeError(w, err)
		return
	}
	out := LayersJSON{Prediction: newPrediction(j.probs), Input: x}
	for i, l := range layers {
		out.Layers = append(out.Layers, OutputJSON{Layer: l + 1, Data: j.outs[i]})
	}
	writeJSON(w, http.StatusOK, out)
}

// notFound answers the requests under /api/ that no route of mux takes:
// 405, with the methods that path takes, or 404, and the reason.
func notFound(mux *http.ServeMux, reason string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		var allow []string
		for _, m := range []string{http.MethodGet, http.MethodPost} {
			other := r.Clone(r.Context())
			other.Method = m
			if _, pattern := mux.Handler(other); pattern != "/api/" {
				allow = append(allow, m)
			}
		}
		if len(allow) > 0 {
			w.Header().Set("Allow", strings.Join(allow, ", "))
			writeError(w, &requestError{http.StatusMethodNotAllowed, fmt.Sprintf("%s %s: it takes %s", r.Method, r.URL.Path, strings.Join(allow, " or "))})
			return
		}
		writeError(w, &requestError{http.StatusNotFound, fmt.Sprintf("no %s %s %s", r.Method, r.URL.Path, reason)})
	}
}

// errorJSON is the body of every error answer.
type errorJSON struct {
	Error string `json:"error"`
}

// writeJSON writes v as JSON with status, or a 500 when it cannot be
// encoded (a non-finite value).
func writeJSON(w http.ResponseWriter, status int, v any) {
	var buf bytes.Buffer
	if err := json.NewEncoder(&buf).Encode(v); err != nil {
		status, buf = http.StatusInternalServerError, bytes.Buffer{}
		json.NewEncoder(&buf).Encode(errorJSON{"encoding the answer: " + err.Error()})
	}
	h := w.Header()
	h.Set("Content-Type", "application/json")
	h.Set("Cache-Control", "no-store")
	h.Set("Content-Length", strconv.Itoa(buf.Len()))
	w.WriteHeader(status)
	w.Write(buf.Bytes())
}

// writeError answers err: a requestError's status and reason, 503 when
// the server is closing or the request was given up.
func writeError(w http.ResponseWriter, err error) {
	var re *requestError
	switch {
	case errors.As(err, &re):
		writeJSON(w, re.status, errorJSON{re.reason})
	case errors.Is(err, ErrClosed), errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
		writeJSON(w, http.StatusServiceUnavailable, errorJSON{err.Error()})
	default:
		writeJSON(w, http.StatusInternalServerError, errorJSON{err.Error()})
	}
}
