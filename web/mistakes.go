package web

import (
	"context"
	"net/http"
	"slices"

	"github.com/deepnet-go/deepnet/nn"
)

// KernelsJSON is the answer of GET /api/kernels: the weights of every
// layer of local receptive fields.
type KernelsJSON struct {
	Layers []KernelJSON `json:"layers"`
}

// KernelJSON is one layer's kernels: Shape is [F][C][KH][KW] (F feature
// maps, each a KH×KW kernel on each of C input maps), Data the weights in
// that order.
type KernelJSON struct {
	Layer int       `json:"layer"`
	Shape []int     `json:"shape"`
	Data  []float32 `json:"data"`
}

// kernelsOf copies the kernels of net: of each layer, its first
// regularised parameter when it is [F][C][KH][KW] (as deepnet viz draws
// them).
func kernelsOf(net *nn.Network) *KernelsJSON {
	k := &KernelsJSON{Layers: []KernelJSON{}}
	for i, l := range net.Layers {
		for _, p := range l.Params() {
			if !p.Decay {
				continue
			}
			if len(p.Value.Shape) == 4 {
				k.Layers = append(k.Layers, KernelJSON{Layer: i + 1, Shape: slices.Clone(p.Value.Shape), Data: slices.Clone(p.Value.Data)})
			}
			break
		}
	}
	return k
}

func (s *Server) handleKernels(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, http.StatusOK, s.kernels)
}

// MaxMistakes is the most mistakes kept to show.
const MaxMistakes = 100

// MistakesJSON is the answer of GET /api/mistakes: how many digits were
// tested and got wrong, and the first MaxMistakes of those.
type MistakesJSON struct {
	// Error says why there are none to show (no test set).
	Error  string        `json:"error,omitempty"`
	Tested int           `json:"tested"`
	Wrong  int           `json:"wrong"`
	Digits []MistakeJSON `json:"digits"`
}

// MistakeJSON is one digit the network gets wrong: its index in the set,
// its label, the network's answer and its pixels (0..255, row-major; in
// base64 in JSON).
type MistakeJSON struct {
	Index     int     `json:"index"`
	Label     int     `json:"label"`
	Predicted int     `json:"predicted"`
	P         float32 `json:"p"`
	Pixels    []byte  `json:"pixels"`
}

// mistakesOf classifies the digits d with forward (which runs a batch of
// up to maxBatch examples and returns their probabilities, k each).
func mistakesOf(d *Digits, size, k, maxBatch int, forward func(x []float32, n int) ([]float32, error)) (*MistakesJSON, error) {
	m := &MistakesJSON{Digits: []MistakeJSON{}}
	if d == nil {
		return m, nil
	}
	n := min(len(d.Labels), len(d.Images)/size)
	x := make([]float32, maxBatch*size)
	for off := 0; off < n; off += maxBatch {
		b := min(maxBatch, n-off)
		for i, v := range d.Images[off*size : (off+b)*size] {
			x[i] = float32(v) / 255
		}
		probs, err := forward(x[:b*size], b)
		if err != nil {
			return nil, err
		}
		for i := range b {
			p := probs[i*k : (i+1)*k]
			got, label := nn.Argmax(p), int(d.Labels[off+i])
			if got == label {
				continue
			}
			m.Wrong++
			if len(m.Digits) < MaxMistakes {
				img := slices.Clone(d.Images[(off+i)*size : (off+i+1)*size])
				m.Digits = append(m.Digits, MistakeJSON{Index: off + i, Label: label, Predicted: got, P: p[got], Pixels: img})
			}
		}
	}
	m.Tested = n
	return m, nil
}

// findMistakes loads the test digits and classifies them through the
// batcher, in batches of the network's MaxBatch, and publishes the
// mistakes.
func (s *Server) findMistakes(ctx context.Context, load func() (*Digits, error)) {
	defer close(s.mistakes)
	s.mist = &MistakesJSON{Digits: []MistakeJSON{}, Error: "no test set given"}
	if load == nil {
		return
	}
	test, err := load()
	if err != nil {
		s.mist.Error = err.Error()
		return
	}
	forward := func(x []float32, n int) ([]float32, error) {
		j := &job{x: x, n: n}
		err := s.b.do(ctx, j, s.b.begin())
		return j.probs, err
	}
	m, err := mistakesOf(test, s.net.In.Size(), s.net.Classes(), s.net.MaxBatch, forward)
	if err != nil {
		s.mist.Error = err.Error()
		return
	}
	s.mist = m
}

// handleMistakes answers GET /api/mistakes, once the test digits are
// classified.
func (s *Server) handleMistakes(w http.ResponseWriter, r *http.Request) {
	select {
	case <-s.mistakes:
		writeJSON(w, http.StatusOK, s.mist)
	case <-r.Context().Done():
		writeError(w, r.Context().Err())
	case <-stopping(r):
		writeError(w, ErrClosed)
	}
}
