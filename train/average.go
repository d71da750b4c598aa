package train

import (
	"fmt"
	"strconv"

	"github.com/deepnet-go/deepnet/internal/f32"
	"github.com/deepnet-go/deepnet/nn"
)

// Stochastic weight averaging (Izmailov et al., "Averaging Weights Leads to
// Wider Optima and Better Generalization", 2018), beyond the book. With
// Config.Average = K, the trained weights at the ends of the last K epochs
// are averaged; after the last epoch the network takes the mean weights,
// batch normalisation's running statistics are recomputed for them with
// one pass over the training images (the statistics of the separate
// epochs do not belong to the mean), and the result is evaluated and
// selected on validation accuracy like one more epoch. Late in a decaying
// schedule successive epochs' weights differ by noise along a wide valley
// of the cost; their mean sits nearer its floor than any one of them.

// averager holds the running mean of the trained parameters (nil for
// buffers) over count epochs.
type averager struct {
	k     int // epochs to average (0: off)
	from  int // first epoch averaged
	mean  [][]float32
	count int
	diff  []float32 // scratch for add
}

func newAverager(params []*nn.Param, cfg Config) *averager {
	a := &averager{k: cfg.Average}
	if a.k <= 0 {
		return a
	}
	a.from = max(cfg.Epochs-a.k, 0)
	a.mean = make([][]float32, len(params))
	size := 0
	for i, p := range params {
		if p.Grad != nil {
			a.mean[i] = make([]float32, p.Value.Len())
			size = max(size, p.Value.Len())
		}
	}
	a.diff = make([]float32, size)
	return a
}

// add folds the weights at the end of epoch into the mean when the epoch
// is one of the last k: mean += (w - mean)/count.
func (a *averager) add(epoch int, params []*nn.Param) {
	if a.k <= 0 || epoch < a.from {
		return
	}
	a.count++
	inv := float32(1 / float64(a.count))
	for i, p := range params {
		m := a.mean[i]
		if m == nil {
			continue
		}
		d := a.diff[:len(m)]
		copy(d, p.Value.Data)
		f32.Axpy(-1, m, d)
		f32.Axpy(inv, d, m)
	}
}

// pending reports whether the averaged weights still need their
// evaluation: some epochs were averaged and res has no averaged record.
func (a *averager) pending(res *Result) bool {
	if a.k <= 0 || a.count == 0 {
		return false
	}
	n := len(res.Epochs)
	return n == 0 || !res.Epochs[n-1].Averaged
}

// swapIn copies the mean into the trained parameters.
func (a *averager) swapIn(params []*nn.Param) {
	for i, p := range params {
		if a.mean[i] != nil {
			copy(p.Value.Data, a.mean[i])
		}
	}
}

// Checkpoint names of the averager's state.
const (
	ckptAverage      = "average/"
	ckptAverageCount = "checkpoint.average_count"
)

// save adds the averager's state to a checkpoint's tensors and metadata.
func (a *averager) save(params []*nn.Param, meta map[string]string, add func(name string, p *nn.Param, data []float32)) {
	if a == nil || a.k <= 0 {
		return
	}
	meta[ckptAverageCount] = strconv.Itoa(a.count)
	for i, p := range params {
		if a.mean[i] != nil {
			add(ckptAverage+p.Name, p, a.mean[i])
		}
	}
}

// restoreAverage puts a checkpoint's averager state into a.
func (st *SavedState) restoreAverage(a *averager) error {
	v, ok := st.file.Metadata[ckptAverageCount]
	if a.k <= 0 {
		if ok {
			return fmt.Errorf("train: resuming: the checkpoint averages weights but the run does not")
		}
		return nil
	}
	if !ok {
		if st.Next <= a.from { // averaging switched on before its first epoch
			return nil
		}
		return fmt.Errorf("train: resuming: the checkpoint does not average weights but the run averages %d epochs, and epoch %d is past the averaging's start", a.k, st.Next)
	}
	count, err := strconv.Atoi(v)
	if err != nil || count < 0 {
		return fmt.Errorf("checkpoint: averaged epochs %q", v)
	}
	a.count = count
	for i, p := range st.params {
		if a.mean[i] == nil {
			continue
		}
		t := st.file.Tensor(ckptAverage + p.Name)
		if t == nil || len(t.Data) != len(a.mean[i]) {
			return fmt.Errorf("checkpoint: averaged weights of %s missing or of the wrong size", p.Name)
		}
		copy(a.mean[i], t.Data)
	}
	return nil
}
