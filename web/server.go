package web

import (
	"context"
	"fmt"
	"net/http"
	"path/filepath"
	"runtime"
	"time"

	"github.com/deepnet-go/deepnet/imageprep"
	"github.com/deepnet-go/deepnet/lm"
	"github.com/deepnet-go/deepnet/model"
	"github.com/deepnet-go/deepnet/nn"
)

// Config says what a Server serves.
type Config struct {
	// Net is the model's network: a classifier of 28×28 one-channel
	// images (the digit page), or a character model (lm.CheckModel: the
	// text page). A classifier is built for batches of up to
	// Net.MaxBatch, the largest batch the batcher forms. The Server owns
	// Net from New on: nothing else may use it.
	Net *nn.Network
	// Info is the model file's training metadata (nil: none), and Path
	// its file, whose base name the page shows.
	Info *model.Info
	Path string
	// MaxWait bounds how long a batch waits for requests on their way
	// (DefaultMaxWait when 0; negative: never wait).
	MaxWait time.Duration
	// Dreamer, instead of Net, is a generative model of labelled images
	// (a deep belief net): the page dreams images of a label.
	Dreamer Dreamer
	// Test, when set, returns labelled digits (the test set) whose
	// mistakes the page shows; New calls it in the background, so that a
	// slow load (a download) does not hold the page up.
	Test func() (*Digits, error)
}

// Digits are N labelled images of the network's input size, 0..255
// row-major, as MNIST's IDX files hold them.
type Digits struct {
	Images []uint8
	Labels []uint8
}

// ModelError reports a network the pages cannot show.
type ModelError struct {
	Spec    string
	In, Out nn.Shape
}

func (e *ModelError) Error() string {
	return fmt.Sprintf("web: the network %q takes %s and gives %s: the page shows classifiers of 1×%d×%d images (such as MNIST's) and character models",
		e.Spec, e.In, e.Out, imageprep.Size, imageprep.Size)
}

// Server is the HTTP handler of a model's page and its JSON API (see the
// package documentation). Close stops it.
type Server struct {
	net      *nn.Network
	meta     *ModelJSON
	mux      *http.ServeMux
	decoders chan struct{} // a slot per image being decoded
	stop     context.CancelFunc

	// A classifier's:
	b        *batcher
	kernels  *KernelsJSON
	mistakes chan struct{} // closed when mist is ready
	mist     *MistakesJSON

	// A character model's, or a dreamer's:
	sampler  *lm.Sampler
	dreamer  Dreamer
	sampling chan struct{} // a slot for the one sampler or dream
}

// New returns the Server of cfg, which starts its batcher (and, with
// cfg.Test, works out the mistakes in the background). A network that is
// neither a classifier of 28×28 images nor a character model is a
// *ModelError.
func New(cfg Config) (*Server, error) {
	if cfg.Dreamer != nil {
		return newDreams(cfg)
	}
	net := cfg.Net
	s := &Server{net: net, mux: http.NewServeMux(), decoders: make(chan struct{}, runtime.GOMAXPROCS(0))}
	var ctx context.Context
	ctx, s.stop = context.WithCancel(context.Background())
	kind := "digits"
	switch {
	case lm.CheckModel(net) == nil:
		kind = "text"
		sampler, err := lm.NewSampler(net)
		if err != nil {
			return nil, err
		}
		s.sampler, s.sampling = sampler, make(chan struct{}, 1)
		s.mux.HandleFunc("GET /api/sample", s.handleSample)
	case net.CheckClassifier() == nil && net.CheckImages(imageprep.Size, imageprep.Size) == nil:
		maxWait := cfg.MaxWait
		if maxWait == 0 {
			maxWait = DefaultMaxWait
		}
		s.b = newBatcher(net, maxWait)
		s.kernels = kernelsOf(net)
		s.mistakes = make(chan struct{})
		go s.findMistakes(ctx, cfg.Test)
		s.mux.HandleFunc("POST /api/predict", s.handlePredict)
		s.mux.HandleFunc("POST /api/layers", s.handleLayers)
		s.mux.HandleFunc("POST /api/layers/{layer}", s.handleLayers)
		s.mux.HandleFunc("GET /api/layers/{layer}", s.handleLayers)
		s.mux.HandleFunc("GET /api/kernels", s.handleKernels)
		s.mux.HandleFunc("GET /api/mistakes", s.handleMistakes)
	default:
		return nil, &ModelError{Spec: net.Spec.String(), In: net.In, Out: net.OutShape()}
	}
	meta, err := describe(kind, cfg.Path, net, cfg.Info)
	if err != nil {
		s.Close()
		return nil, err
	}
	if kind == "text" {
		meta.Limits.MaxSample = MaxSample
	}
	s.meta = meta
	s.routes()
	return s, nil
}

// newDreams returns the Server of a Dreamer.
func newDreams(cfg Config) (*Server, error) {
	d := cfg.Dreamer
	s := &Server{dreamer: d, mux: http.NewServeMux(), sampling: make(chan struct{}, 1), stop: func() {}}
	s.meta = &ModelJSON{Kind: "dreams", Spec: d.Describe(), Input: shapeJSON(d.Shape()), Classes: d.Labels(),
		Layers: []LayerJSON{}, Training: cfg.Info, Limits: LimitsJSON{MaxBodyBytes: MaxBodyBytes, MaxImagePixels: MaxImagePixels}}
	if cfg.Path != "" {
		s.meta.Name = filepath.Base(cfg.Path)
	}
	s.mux.HandleFunc("GET /api/dream", s.handleDream)
	s.routes()
	return s, nil
}

// routes adds what every kind of model's page has: its description, a
// reason for every other path under /api/, and the page's files.
func (s *Server) routes() {
	s.mux.HandleFunc("GET /api/model", func(w http.ResponseWriter, r *http.Request) { writeJSON(w, http.StatusOK, s.meta) })
	s.mux.HandleFunc("/api/", notFound(s.mux, "for this model (a "+s.meta.Kind+" model): GET /api/model describes it"))
	s.mux.Handle("/", static("index.html"))
}

// ServeHTTP answers one request.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	secure(w)
	s.mux.ServeHTTP(w, r)
}

// Close stops the batcher and the search for mistakes; requests after it
// are answered 503.
func (s *Server) Close() {
	s.stop()
	if s.b != nil {
		s.b.close()
	}
}

// Prediction is a classifier's answer for one digit.
type Prediction struct {
	Digit         int       `json:"digit"`
	P             float32   `json:"p"`
	Probabilities []float32 `json:"probabilities"`
}

func newPrediction(probs []float32) Prediction {
	d := nn.Argmax(probs)
	return Prediction{Digit: d, P: probs[d], Probabilities: probs}
}

// Predict classifies one digit x (the network's input: 784 values in
// 0..1), batched with any concurrent requests.
func (s *Server) Predict(ctx context.Context, x []float32) (Prediction, error) {
	if s.b == nil {
		return Prediction{}, fmt.Errorf("web: Predict: the model is not a classifier")
	}
	if len(x) != s.net.In.Size() {
		return Prediction{}, fmt.Errorf("web: Predict: %d values for a network that takes %d", len(x), s.net.In.Size())
	}
	j := &job{x: x, n: 1}
	if err := s.b.do(ctx, j, s.b.begin()); err != nil {
		return Prediction{}, err
	}
	return newPrediction(j.probs), nil
}

// Batches returns how many batches the batcher has run and how many
// examples they held.
func (s *Server) Batches() (batches, examples int64) {
	if s.b == nil {
		return 0, 0
	}
	return s.b.batches.Load(), s.b.examples.Load()
}
