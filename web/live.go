package web

import (
	"fmt"
	"net/http"
	"sync"
	"time"

	"github.com/deepnet-go/deepnet/nn"
	"github.com/deepnet-go/deepnet/train"
)

// How often the training hooks publish what they saw.
const (
	// PointsPerEpoch is the resolution of the cost-within-the-epoch
	// curve: a point is the mean cost of the mini-batches since the last
	// one (every mini-batch, in an epoch of fewer).
	PointsPerEpoch = 50
	// KernelsEvery is how often the kernels are copied within an epoch
	// (and at the end of each).
	KernelsEvery = 2 * time.Second
	// MaxPoints bounds the curve's points kept (past it, no more are
	// added; epochs still are).
	MaxPoints = 50000
	// LiveMistakes is the most digits whose mistakes are looked for after
	// each epoch.
	LiveMistakes = 500
)

// LiveConfig says what a Live watches.
type LiveConfig struct {
	// Net is the network being trained; the hooks only read it.
	Net *nn.Network
	// Title names the run on the page; Epochs is how many it trains.
	Title  string
	Epochs int
	// Digits, when set, are labelled examples (the first LiveMistakes
	// are used) that a copy of the network classifies after each epoch,
	// to show its current mistakes; DigitsName names them ("validation").
	Digits     *Digits
	DigitsName string
}

// Point is one point of the cost-within-the-epoch curve: the mean cost of
// the mini-batches before Batch (of Batches) of Epoch (from 0) since the
// previous point.
type Point struct {
	Epoch   int     `json:"epoch"`
	Batch   int     `json:"batch"`
	Batches int     `json:"batches"`
	Cost    float64 `json:"cost"`
}

// LiveJSON is the whole state of a run: the answer of GET /api/live, and
// what the events of GET /api/events add up to.
type LiveJSON struct {
	Title      string        `json:"title"`
	Spec       string        `json:"spec"`
	Epochs     int           `json:"epochs"`
	DigitsName string        `json:"digits_name,omitempty"`
	Points     []Point       `json:"points"`
	Records    []train.Epoch `json:"records"`
	Kernels    *KernelsJSON  `json:"kernels"`
	Mistakes   *MistakesJSON `json:"mistakes"`
	Done       bool          `json:"done"`
	Error      string        `json:"error,omitempty"`
}

// Live watches a training run for a page: its hooks (OnBatch, OnEpoch,
// set in train.Config) record the costs, accuracies, kernels and
// mistakes, and its handler streams them as Server-Sent Events. The hooks
// run in the training loop: they read the network (never write it), never
// wait for a client, and do O(1) work per mini-batch.
type Live struct {
	net    *nn.Network
	twin   *nn.Network // a copy for the mistakes (nil without digits)
	digits *Digits
	mux    *http.ServeMux

	// The training goroutine's own.
	sum      float64
	count    int
	lastKern time.Time

	mu      sync.Mutex
	state   LiveJSON
	version [2]int        // of the kernels and the mistakes
	changed chan struct{} // closed, and replaced, at every change
}

// NewLive returns a Live watching cfg.Net.
func NewLive(cfg LiveConfig) (*Live, error) {
	l := &Live{net: cfg.Net, mux: http.NewServeMux(), changed: make(chan struct{}),
		state: LiveJSON{Title: cfg.Title, Spec: cfg.Net.Spec.String(), Epochs: cfg.Epochs, Points: []Point{}, Records: []train.Epoch{}}}
	if d := cfg.Digits; d != nil && cfg.Net.CheckClassifier() == nil {
		size := cfg.Net.In.Size()
		n := min(len(d.Labels), len(d.Images)/size, LiveMistakes)
		l.digits = &Digits{Images: d.Images[:n*size], Labels: d.Labels[:n]}
		c := cfg.Net.Config
		c.MaxBatch = min(n, 100)
		twin, err := nn.New(c)
		if err != nil {
			return nil, fmt.Errorf("web: a copy of the network for its mistakes: %w", err)
		}
		l.twin, l.state.DigitsName = twin, cfg.DigitsName
	}
	l.state.Kernels = kernelsOf(cfg.Net)
	l.mux.HandleFunc("GET /api/events", l.handleEvents)
	l.mux.HandleFunc("GET /api/live", func(w http.ResponseWriter, r *http.Request) {
		l.mu.Lock()
		st := l.state
		l.mu.Unlock()
		writeJSON(w, http.StatusOK, st)
	})
	l.mux.HandleFunc("/api/", notFound(l.mux, "on the training page: it has GET /api/live and GET /api/events"))
	l.mux.Handle("/", static("live.html"))
	return l, nil
}

// ServeHTTP answers one request.
func (l *Live) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	secure(w)
	l.mux.ServeHTTP(w, r)
}

// publish changes the state under the lock and wakes the streams.
func (l *Live) publish(change func(st *LiveJSON)) {
	l.mu.Lock()
	change(&l.state)
	close(l.changed)
	l.changed = make(chan struct{})
	l.mu.Unlock()
}

// OnBatch is a train.Config.OnBatch hook: it adds the cost to the curve's
// current point, and publishes the point (and, every KernelsEvery, the
// kernels) PointsPerEpoch times an epoch.
func (l *Live) OnBatch(b train.BatchInfo) {
	l.sum += b.Cost
	l.count++
	if done := b.Batch + 1; done%max(1, b.Batches/PointsPerEpoch) != 0 && done != b.Batches {
		return
	}
	now := time.Now()
	p := Point{Epoch: b.Epoch, Batch: b.Batch + 1, Batches: b.Batches, Cost: l.sum / float64(l.count)}
	l.sum, l.count = 0, 0
	var k *KernelsJSON
	if now.Sub(l.lastKern) >= KernelsEvery {
		k, l.lastKern = kernelsOf(l.net), now
	}
	l.publish(func(st *LiveJSON) {
		if len(st.Points) < MaxPoints {
			st.Points = append(st.Points, p)
		}
		if k != nil {
			st.Kernels = k
			l.version[0]++
		}
	})
}

// OnEpoch is a train.Config.OnEpoch hook: it publishes the epoch's record,
// the kernels and, with digits, the mistakes of a copy of the network.
func (l *Live) OnEpoch(e train.Epoch) {
	l.sum, l.count = 0, 0
	k := kernelsOf(l.net)
	l.lastKern = time.Now()
	var m *MistakesJSON
	if l.twin != nil {
		for i, p := range l.net.Params() {
			copy(l.twin.Params()[i].Value.Data, p.Value.Data)
		}
		forward := func(x []float32, n int) ([]float32, error) { return l.twin.Forward(x, n, false), nil }
		m, _ = mistakesOf(l.digits, l.net.In.Size(), l.net.Classes(), l.twin.MaxBatch, forward)
	}
	l.publish(func(st *LiveJSON) {
		st.Records = append(st.Records, e)
		st.Kernels = k
		l.version[0]++
		if m != nil {
			st.Mistakes = m
			l.version[1]++
		}
	})
}

// Finish marks the run done (err: why it stopped, nil when it finished),
// which ends the streams.
func (l *Live) Finish(err error) {
	l.publish(func(st *LiveJSON) {
		st.Done = true
		if err != nil {
			st.Error = err.Error()
		}
	})
}
