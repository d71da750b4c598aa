package rbm

import (
	"fmt"
	"strings"

	"github.com/deepnet-go/deepnet/nn"
	"github.com/deepnet-go/deepnet/tensor"
)

// NetworkSpec returns the spec of the feed-forward network d initialises
// for classes classes: a sigmoid layer per RBM, then a softmax layer,
// "fc:500:sigmoid fc:500:sigmoid fc:2000:sigmoid softmax:10".
func (d *DBN) NetworkSpec(classes int) string {
	var b strings.Builder
	for _, r := range d.RBMs {
		fmt.Fprintf(&b, "fc:%d:sigmoid ", r.Hidden)
	}
	fmt.Fprintf(&b, "softmax:%d", classes)
	return b.String()
}

// Network returns the feed-forward network of NetworkSpec(classes) on
// d.In, built for batches of maxBatch (and seed d.Seed, for nothing but
// dropout it does not have), whose layers take the DBN's weights, for
// fine-tuning by backpropagation (train.Run): fully-connected layer i
// the recognition weights and hidden biases of RBM i (W, without the
// label units' columns, and hbias), so that its sigmoid outputs are the
// hidden probabilities given the layer below; the softmax layer, when the
// DBN has labels (classes must then be its Labels, or 0 for them), the
// top RBM's label weights transposed and label biases, so that it gives
// p(label | top hidden units) of the top RBM, else nn's initialisation
// (network3's: zeros). It is built with nn.New, so its memory is budgeted
// as any network's (maxMemory; 0 for nn's default).
func (d *DBN) Network(maxBatch, classes int, maxMemory int64) (*nn.Network, error) {
	if classes == 0 {
		classes = d.Labels
	}
	if classes < 2 || d.Labels > 0 && classes != d.Labels {
		return nil, fmt.Errorf("rbm: a network of %d classes from a DBN of %d labels", classes, d.Labels)
	}
	spec, err := nn.ParseSpec(d.NetworkSpec(classes))
	if err != nil {
		return nil, err
	}
	net, err := nn.New(nn.Config{Spec: spec, In: d.In, MaxBatch: maxBatch, Seed: d.Seed, MaxMemory: maxMemory})
	if err != nil {
		return nil, err
	}
	ps := net.Params()
	if len(ps) != 2*len(d.RBMs)+2 {
		panic(fmt.Sprintf("rbm: the network %q has %d parameters", spec, len(ps)))
	}
	for i, r := range d.RBMs {
		B := r.binary()
		w, b := ps[2*i], ps[2*i+1]
		mustShape(w.Value, r.Hidden, B)
		mustShape(b.Value, r.Hidden)
		for j := range r.Hidden {
			copy(w.Value.Data[j*B:(j+1)*B], r.W.Value.Data[j*r.Visible:j*r.Visible+B])
		}
		copy(b.Value.Data, r.HBias.Value.Data)
	}
	if top := d.Top(); d.Labels > 0 {
		w, b := ps[len(ps)-2], ps[len(ps)-1]
		B, H := top.binary(), top.Hidden
		mustShape(w.Value, d.Labels, H)
		for l := range d.Labels {
			for j := range H {
				w.Value.Data[l*H+j] = top.W.Value.Data[j*top.Visible+B+l]
			}
			b.Value.Data[l] = top.VBias.Value.Data[B+l]
		}
	}
	return net, nil
}

// mustShape panics unless t has shape: the spec and the DBN disagree, a
// programmer error.
func mustShape(t *tensor.Tensor, shape ...int) {
	if !tensor.SameShape(t.Shape, shape) {
		panic(fmt.Sprintf("rbm: a network parameter of shape %v where %v was wanted", t.Shape, shape))
	}
}
