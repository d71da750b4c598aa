package train

import (
	"context"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/deepnet-go/deepnet/data"
	"github.com/deepnet-go/deepnet/data/augment"
	"github.com/deepnet-go/deepnet/model"
	"github.com/deepnet-go/deepnet/nn"
)

// hub joins goroutines of one process into a Comm (member), as MPI joins
// processes: each collective waits for every member, and the last to
// arrive sums (in rank order) into every member's buffer.
type hub struct {
	mu      sync.Mutex
	cond    sync.Cond
	gen     int
	arrived int
	f32     [][]float32
	f64     [][]float64
}

func newHub(size int) *hub {
	h := &hub{f32: make([][]float32, size), f64: make([][]float64, size)}
	h.cond.L = &h.mu
	return h
}

type member struct {
	h    *hub
	rank int
}

func (m member) Rank() int { return m.rank }
func (m member) Size() int { return len(m.h.f32) }

func (m member) AllreduceSum(buf []float32) error {
	h := m.h
	h.mu.Lock()
	defer h.mu.Unlock()
	h.f32[m.rank] = buf
	h.arrive(func() {
		for i := range buf {
			var s float32
			for _, b := range h.f32 {
				s += b[i]
			}
			for _, b := range h.f32 {
				b[i] = s
			}
		}
	})
	return nil
}

func (m member) Broadcast(buf []float64) error {
	h := m.h
	h.mu.Lock()
	defer h.mu.Unlock()
	h.f64[m.rank] = buf
	h.arrive(func() {
		for _, b := range h.f64[1:] {
			copy(b, h.f64[0])
		}
	})
	return nil
}

// arrive waits for every member (h.mu held); the last runs done.
func (h *hub) arrive(done func()) {
	gen := h.gen
	if h.arrived++; h.arrived == len(h.f32) {
		done()
		h.arrived, h.gen = 0, h.gen+1
		h.cond.Broadcast()
		return
	}
	for gen == h.gen {
		h.cond.Wait()
	}
}

// fitGroup trains one network per member of a group of size on d with
// cfg, the networks built from spec with the same seed, concurrently, and
// returns them and rank 0's result. setup, if set, adjusts each rank's
// config.
func fitGroup(t *testing.T, size int, spec string, d *data.Splits, cfg Config, setup func(rank int, cfg *Config, net **nn.Network)) ([]*nn.Network, *Result) {
	t.Helper()
	h := newHub(size)
	nets := make([]*nn.Network, size)
	results := make([]*Result, size)
	errs := make([]error, size)
	var wg sync.WaitGroup
	for r := range size {
		c := cfg
		c.Comm = member{h, r}
		nets[r] = smallNet(t, spec, 10, 5)
		if setup != nil {
			setup(r, &c, &nets[r])
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			results[r], errs[r] = Run(context.Background(), nets[r], d, c)
		}()
	}
	wg.Wait()
	for r, err := range errs {
		if err != nil {
			t.Fatalf("rank %d: %v", r, err)
		}
	}
	return nets, results[0]
}

func commSplits() *data.Splits {
	return &data.Splits{Train: synthetic(300, 1), Validation: synthetic(60, 2), Test: synthetic(60, 3)}
}

// TestCommEqualsOneProcess: two or three processes, each training on its
// shard of every mini-batch of 10 (5+5, or 3+3+4), end an epoch with the
// weights of one process training on the whole mini-batches, to within
// float rounding (the shards' gradients are summed in another order), and
// with the same accuracies; with momentum, with Adam and with gradient
// clipping. The network has neither dropout nor batch normalisation,
// whose masks and statistics are the shard's.
func TestCommEqualsOneProcess(t *testing.T) {
	spec := "conv:4x3x3 maxpool:2 relu fc:16:relu softmax:2"
	d := commSplits()
	for _, c := range []struct {
		name string
		cfg  Config
	}{
		{"momentum", Config{Epochs: 2, Batch: 10, Eta: 0.05, Lambda: 0.1, Momentum: 0.9, Seed: 5}},
		{"adam-clip", Config{Epochs: 2, Batch: 10, Eta: 0.002, Lambda: 0.1, Optimizer: "adam", ClipNorm: 0.5, Seed: 5}},
	} {
		one := smallNet(t, spec, 10, 5)
		want, err := Run(context.Background(), one, d, c.cfg)
		if err != nil {
			t.Fatal(err)
		}
		for _, size := range []int{2, 3} {
			t.Run(fmt.Sprintf("%s/%d", c.name, size), func(t *testing.T) {
				nets, got := fitGroup(t, size, spec, d, c.cfg, nil)
				for r := 1; r < size; r++ {
					sameWeights(t, fmt.Sprintf("rank %d against rank 0", r), nets[r].Params(), nets[0].Params())
				}
				closeWeights(t, nets[0].Params(), one.Params(), 1e-5)
				for i, e := range got.Epochs {
					if w := want.Epochs[i]; e.Validation != w.Validation || e.Test != w.Test || math.Abs(e.Cost-w.Cost) > 1e-5*math.Abs(w.Cost) {
						t.Errorf("epoch %d: %+v in the group, %+v alone", i+1, e, w)
					}
				}
			})
		}
	}
}

// closeWeights fails unless every value of got is within tol·(1+|want|)
// of want's.
func closeWeights(t *testing.T, got, want []*nn.Param, tol float64) {
	t.Helper()
	worst := 0.0
	for i, p := range want {
		for j, w := range p.Value.Data {
			d := math.Abs(float64(got[i].Value.Data[j]-w)) / (1 + math.Abs(float64(w)))
			if !(d <= tol) {
				t.Fatalf("%s[%d]: %g in the group, %g alone", p.Name, j, got[i].Value.Data[j], w)
			}
			worst = max(worst, d)
		}
	}
	t.Logf("largest difference %.2g (relative to 1+|w|)", worst)
}

// TestCommResumes: a group with dropout, batch normalisation and
// distortions (each rank its own masks and distortions) that stops after
// two epochs and resumes from rank 0's checkpoint ends with the weights
// of the same group left alone, bit for bit; only rank 0 writes a
// checkpoint, and the ranks' weights agree.
func TestCommResumes(t *testing.T) {
	spec := "conv:4x3x3 batchnorm maxpool:2 relu dropout:0.3 fc:16:relu softmax:2"
	d := commSplits()
	cfg := Config{Epochs: 4, Batch: 10, Eta: 0.05, Lambda: 0.1, Momentum: 0.9, Seed: 5, KeepBest: true,
		Augment: augment.Config{MaxShift: 1}}
	whole, want := fitGroup(t, 2, spec, d, cfg, nil)
	sameWeights(t, "rank 1 against rank 0", trainedParams(whole[1]), trainedParams(whole[0]))

	dir := t.TempDir()
	first := cfg
	first.Epochs = 2
	fitGroup(t, 2, spec, d, first, func(rank int, c *Config, _ **nn.Network) {
		c.Checkpoint = filepath.Join(dir, fmt.Sprintf("rank%d.safetensors", rank))
	})
	if _, err := os.Stat(filepath.Join(dir, "rank1.safetensors")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("rank 1 wrote a checkpoint: %v", err)
	}
	path := filepath.Join(dir, "rank0.safetensors")
	parts, got := fitGroup(t, 2, spec, d, cfg, func(rank int, c *Config, net **nn.Network) {
		n, _, st, err := ReadCheckpoint(path, model.Options{MaxBatch: 10})
		if err != nil {
			t.Fatal(err)
		}
		*net, c.Resume = n, st
	})
	if got.BestEpoch != want.BestEpoch || got.TestAtBest != want.TestAtBest || len(got.Epochs) != 4 {
		t.Errorf("resumed %+v, left alone %+v", got, want)
	}
	sameWeights(t, "resumed", parts[0].Params(), whole[0].Params())
	sameWeights(t, "resumed rank 1", trainedParams(parts[1]), trainedParams(whole[1]))
}

// trainedParams are net's parameters with a gradient (not batch
// normalisation's running statistics, which are each rank's own).
func trainedParams(net *nn.Network) []*nn.Param {
	var ps []*nn.Param
	for _, p := range net.Params() {
		if p.Grad != nil {
			ps = append(ps, p)
		}
	}
	return ps
}

// TestCommStopsTogether: a context cancelled in one process stops every
// process of the group at the same mini-batch, each with an error that
// matches context.Canceled.
func TestCommStopsTogether(t *testing.T) {
	d := commSplits()
	cfg := Config{Epochs: 3, Batch: 10, Eta: 0.05, Seed: 5}
	h := newHub(2)
	errs := make([]error, 2)
	batches := make([]int, 2)
	var wg sync.WaitGroup
	for r := range 2 {
		ctx, cancel := context.WithCancel(context.Background())
		c := cfg
		c.Comm = member{h, r}
		c.OnBatch = func(b BatchInfo) {
			batches[r]++
			if r == 1 && b.Epoch == 1 && b.Batch == 5 {
				cancel()
			}
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer cancel()
			_, errs[r] = Run(ctx, smallNet(t, "fc:8:relu softmax:2", 10, 5), d, c)
		}()
	}
	wg.Wait()
	for r, err := range errs {
		if !errors.Is(err, context.Canceled) {
			t.Errorf("rank %d: %v, want one that matches context.Canceled", r, err)
		}
	}
	if batches[0] != batches[1] || batches[0] != 30+6 {
		t.Errorf("the ranks trained %v mini-batches, want 36 each", batches)
	}
}

// TestCommChecks: a mini-batch smaller than the group is refused, and so
// is an objective that is not Shardable.
func TestCommChecks(t *testing.T) {
	net := smallNet(t, "fc:8 softmax:2", 10, 1)
	cfg := Config{Batch: 2, Eta: 0.1, Comm: member{newHub(3), 0}}
	_, err := newClassifierTrainer(net, synthetic(20, 1), cfg)
	var ge *GroupBatchError
	if !errors.As(err, &ge) || ge.Batch != 2 || ge.Processes != 3 || err.Error() != "train: a mini-batch of 2 shared by 3 processes: want at least one example each" {
		t.Errorf("got %v", err)
	}
	d := commSplits()
	obj := newReconstruction(smallNet(t, "fc:8 fc:64", 10, 1), d, 10)
	_, err = NewTrainer(obj, Config{Batch: 10, Eta: 0.1, Comm: member{newHub(2), 0}})
	if err == nil || err.Error() != "train: this objective (*train.reconstruction) cannot share its mini-batches between 2 processes; classification can" {
		t.Errorf("a reconstruction in a group: %v", err)
	}
}

// TestCommStepDoesNotAllocate: a step of a group, its sum over the
// processes included, allocates nothing (the other rank steps alongside).
func TestCommStepDoesNotAllocate(t *testing.T) {
	set := synthetic(100, 1)
	h := newHub(2)
	idx := []int{0, 1, 2, 3, 4, 5, 6, 7, 8, 9}
	var trainers [2]*Trainer
	for r := range 2 {
		net := smallNet(t, "conv:4x3x3 batchnorm maxpool:2 relu dropout:0.3 fc:16:relu softmax:2", 10, 1)
		cfg := Config{Epochs: 1, Batch: 10, Eta: 0.1, Momentum: 0.9, ClipNorm: 1, Comm: member{h, r}}
		tr, err := newClassifierTrainer(net, set, cfg)
		if err != nil {
			t.Fatal(err)
		}
		trainers[r] = tr
	}
	const runs = 20
	done := make(chan struct{})
	go func() {
		defer close(done)
		for range runs + 1 { // AllocsPerRun runs once more than it counts
			trainers[1].Step(idx, 0.1)
		}
	}()
	a := testing.AllocsPerRun(runs, func() { trainers[0].Step(idx, 0.1) })
	<-done
	if a != 0 {
		t.Errorf("%v allocations per step of a group", a)
	}
}
