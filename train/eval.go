package train

import (
	"github.com/deepnet-go/deepnet/data"
	"github.com/deepnet-go/deepnet/nn"
)

// Evaluator measures a network's accuracy on data sets, in batches of the
// network's MaxBatch, with buffers it allocates once.
type Evaluator struct {
	net     *nn.Network
	x       []float32
	idx     []int
	classes []int
}

// NewEvaluator returns an evaluator for net.
func NewEvaluator(net *nn.Network) *Evaluator {
	b := net.MaxBatch
	return &Evaluator{net: net, x: make([]float32, b*net.In.Size()), idx: make([]int, b), classes: make([]int, b)}
}

// Accuracy returns the fraction of set the network classifies correctly
// (0 for an empty set).
func (e *Evaluator) Accuracy(set *data.Set) float64 {
	if set == nil || set.N == 0 {
		return 0
	}
	right := 0
	e.Predict(set, func(i, class int) {
		if class == int(set.Labels[i]) {
			right++
		}
	})
	return float64(right) / float64(set.N)
}

// Predict calls f with each example's index and predicted class, in order.
func (e *Evaluator) Predict(set *data.Set, f func(i, class int)) {
	b := e.net.MaxBatch
	for lo := 0; lo < set.N; lo += b {
		n := min(b, set.N-lo)
		for i := range n {
			e.idx[i] = lo + i
		}
		set.Batch(e.x, e.idx[:n])
		e.net.Predict(e.x, n, e.classes)
		for i := range n {
			f(lo+i, e.classes[i])
		}
	}
}
