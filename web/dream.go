package web

import (
	"fmt"
	"math/rand/v2"
	"net/http"
	"strconv"

	"github.com/deepnet-go/deepnet/nn"
)

// Dreamer is a generative model of labelled images, such as a deep belief
// net (package rbm, which its caller adapts: web does not import it).
type Dreamer interface {
	// Describe names the model ("784-500-500-2000, 10 labels").
	Describe() string
	// Shape is the shape of an image (1×28×28); Labels the number of
	// labels (0: none).
	Shape() nn.Shape
	Labels() int
	// Dream returns n images of label (−1: none), Shape().Size() values in
	// 0..1 each (pixel probabilities), after steps of sampling drawn from
	// seed.
	Dream(label, n, steps int, seed uint64) ([]float32, error)
}

// The bounds of GET /api/dream.
const (
	MaxDreams     = 20
	MaxDreamSteps = 5000
)

// DreamsJSON is the answer of GET /api/dream: n images of the label, each
// [H][W] values in 0..1.
type DreamsJSON struct {
	Label  int         `json:"label"`
	Steps  int         `json:"steps"`
	Seed   uint64      `json:"seed"`
	Images [][]float32 `json:"images"`
}

// handleDream answers GET /api/dream?label=L&n=N&steps=S&seed=SEED: N
// images (10 by default) of label L (−1, the default, for none) that the
// model dreams after S steps of sampling (200 by default). One dream is
// drawn at a time; the others wait.
func (s *Server) handleDream(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	label, n, steps, seed := -1, 10, 200, rand.Uint64()
	for _, p := range []struct {
		name   string
		v      *int
		lo, hi int
	}{{"label", &label, -1, s.dreamer.Labels() - 1}, {"n", &n, 1, MaxDreams}, {"steps", &steps, 1, MaxDreamSteps}} {
		if v := q.Get(p.name); v != "" {
			x, err := strconv.Atoi(v)
			if err != nil || x < p.lo || x > p.hi {
				writeError(w, badRequest("%s %q: want a whole number from %d to %d", p.name, v, p.lo, p.hi))
				return
			}
			*p.v = x
		}
	}
	if v := q.Get("seed"); v != "" {
		var err error
		if seed, err = strconv.ParseUint(v, 10, 64); err != nil {
			writeError(w, badRequest("seed %q: want a whole number", v))
			return
		}
	}
	select {
	case s.sampling <- struct{}{}:
		defer func() { <-s.sampling }()
	case <-r.Context().Done():
		writeError(w, r.Context().Err())
		return
	}
	pix, err := s.dreamer.Dream(label, n, steps, seed)
	size := s.dreamer.Shape().Size()
	if err == nil && len(pix) != n*size {
		err = fmt.Errorf("web: the model dreamt %d values for %d images of %d", len(pix), n, size)
	}
	if err != nil {
		writeError(w, err)
		return
	}
	out := DreamsJSON{Label: label, Steps: steps, Seed: seed}
	for i := range n {
		out.Images = append(out.Images, pix[i*size:(i+1)*size])
	}
	writeJSON(w, http.StatusOK, out)
}
