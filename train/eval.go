package train

import (
	"fmt"

	"github.com/deepnet-go/deepnet/data"
	"github.com/deepnet-go/deepnet/data/augment"
	"github.com/deepnet-go/deepnet/nn"
)

// Evaluator measures a network's accuracy on data sets, in batches of the
// network's MaxBatch, with buffers it allocates once. With views (test-time
// augmentation) the network sees each image through every view and
// predicts the class of largest mean probability.
type Evaluator struct {
	net     *nn.Network
	views   []augment.View
	x       []float32
	img     []uint8
	idx     []int
	classes []int
	mean    []float32 // [MaxBatch][K] mean probabilities over views
	forward func(x []float32, n int) []float32
}

// NewEvaluator returns an evaluator for net that shows it each image
// through views; without views, or with the identity alone, it sees the
// images as they are. It panics on an invalid view.
func NewEvaluator(net *nn.Network, views ...augment.View) *Evaluator {
	for _, v := range views {
		if err := v.Validate(); err != nil {
			panic("train.NewEvaluator: " + err.Error())
		}
	}
	if augment.Plain(views) {
		views = nil
	}
	b := net.MaxBatch
	return &Evaluator{net: net, views: views, x: make([]float32, b*net.In.Size()), img: make([]uint8, net.In.Size()),
		idx: make([]int, b), classes: make([]int, b), mean: make([]float32, b*net.Classes()),
		forward: func(x []float32, n int) []float32 { return net.Forward(x, n, false) }}
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
	if set.Pixels() != e.net.In.Size() {
		panic(fmt.Sprintf("train.Evaluator.Predict: %d×%d images for a network that takes %s", set.Rows, set.Cols, e.net.In))
	}
	b := e.net.MaxBatch
	for lo := 0; lo < set.N; lo += b {
		n := min(b, set.N-lo)
		for i := range n {
			e.idx[i] = lo + i
		}
		if e.views == nil {
			set.Batch(e.x, e.idx[:n])
			e.net.Predict(e.x, n, e.classes)
		} else {
			e.predictViews(set, n)
		}
		for i := range n {
			f(lo+i, e.classes[i])
		}
	}
}

// predictViews sets e.classes[:n] to the class of largest mean
// probability over the views of the images e.idx[:n].
func (e *Evaluator) predictViews(set *data.Set, n int) {
	k := e.net.Classes()
	mean := augment.MeanOverViews(e.mean, k, e.views, set, e.idx[:n], e.x, e.img, e.forward)
	for i := range n {
		e.classes[i] = nn.Argmax(mean[i*k : (i+1)*k])
	}
}
