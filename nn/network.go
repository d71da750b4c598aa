package nn

import (
	"fmt"
	"math/rand/v2"
)

// Config says what network New builds.
type Config struct {
	Spec Spec
	// In is the shape of one input example, e.g. {C: 1, H: 28, W: 28}.
	In Shape
	// MaxBatch is the largest number of examples one Forward takes; every
	// buffer is sized for it when the network is built.
	MaxBatch int
	// Seed fixes the initial weights and every dropout mask.
	Seed uint64
	// Init chooses the weight initialisation (Network3 when empty).
	Init Init
}

// Network is a sequence of layers with preallocated buffers, ending in a
// softmax. Its input is a batch [n][C][H][W] of float32 and its output the
// class probabilities [n][K]. A Network is not safe for concurrent use: each
// goroutine needs its own (they may share nothing).
type Network struct {
	Config
	Layers []Layer
	// LabelSmoothing is ε of the cost Backward differentiates: the
	// cross-entropy against (1-ε)·onehot(label) + ε/K instead of the
	// log-likelihood of the label (0, network3's cost, unless a trainer
	// sets it; see SoftmaxLayer.LossGrad).
	LabelSmoothing float64
	// names are the parameter names' prefixes: the index in Spec.
	params  []*Param
	layerPs [][]*Param // each layer's Params, for BackwardUpdate
	softmax *SoftmaxLayer
	gz      []float32 // dCost/dlogits
	in      []float32 // input permuted to [C][n][H][W] when C > 1
}

// New builds the network cfg describes and initialises its weights. The
// error says which layer does not fit its input (e.g. a kernel larger than
// the image).
func New(cfg Config) (*Network, error) {
	if _, err := Plan(cfg.Spec, cfg.In); err != nil {
		return nil, err
	}
	if cfg.MaxBatch < 1 {
		return nil, fmt.Errorf("nn: MaxBatch %d must be at least 1", cfg.MaxBatch)
	}
	if cfg.Init == "" {
		cfg.Init = Network3
	}
	net := &Network{Config: cfg}
	shape := cfg.In
	shape.Flat = false
	for i, ls := range cfg.Spec {
		name := fmt.Sprint(i)
		needGrad := i > 0
		var layer Layer
		var err error
		switch ls.Kind {
		case Conv:
			layer, err = NewConv(ls, shape, cfg.MaxBatch, needGrad, name)
		case MaxPool, L2Pool, AvgPool:
			layer, err = NewPool(ls, shape, cfg.MaxBatch)
		case FC:
			layer = NewDense(ls, shape, cfg.MaxBatch, needGrad, name)
		case Softmax:
			dense := NewDense(LayerSpec{Kind: FC, N: ls.N}, shape, cfg.MaxBatch, needGrad, name)
			net.Layers = append(net.Layers, dense)
			layer = NewSoftmax(ls, dense.OutShape(), cfg.MaxBatch)
		case Dropout:
			layer = NewDropout(ls, shape, cfg.MaxBatch, cfg.Seed, uint64(1000+i))
		case Sigmoid, Tanh, ReLU:
			layer = NewActivation(ls, shape, cfg.MaxBatch)
		case BatchNorm:
			layer = NewBatchNorm(ls, shape, cfg.MaxBatch, name)
		default:
			err = fmt.Errorf("unknown layer kind %q", ls.Kind)
		}
		if err != nil {
			return nil, fmt.Errorf("nn: layer %d: %v", i+1, err)
		}
		net.Layers = append(net.Layers, layer)
		shape = layer.OutShape()
	}
	for _, l := range net.Layers {
		ps := l.Params()
		net.layerPs = append(net.layerPs, ps)
		net.params = append(net.params, ps...)
	}
	net.softmax = net.Layers[len(net.Layers)-1].(*SoftmaxLayer)
	net.gz = make([]float32, shape.Size()*cfg.MaxBatch)
	if cfg.In.C > 1 {
		net.in = make([]float32, cfg.In.Size()*cfg.MaxBatch)
	}
	net.initialise(rand.New(rand.NewPCG(cfg.Seed, 0)))
	return net, nil
}

// ResetBatchNorm calls ResetRunning(cumulative) on every batch
// normalisation layer and reports whether there is one.
func (net *Network) ResetBatchNorm(cumulative bool) bool {
	found := false
	for _, l := range net.Layers {
		if bn, ok := l.(*BatchNormLayer); ok {
			bn.ResetRunning(cumulative)
			found = true
		}
	}
	return found
}

// Params returns every parameter tensor, in layer order: the trained ones
// and the buffers (batch normalisation's running statistics, Grad nil).
func (net *Network) Params() []*Param { return net.params }

// Classes returns the number of output classes.
func (net *Network) Classes() int { return net.softmax.shape.C }

// Forward runs a batch x [n][C][H][W] through the network and returns the
// class probabilities [n][K], in a buffer valid until the next Forward.
// train enables dropout.
func (net *Network) Forward(x []float32, n int, train bool) []float32 {
	size := net.In.Size()
	if n < 1 || n > net.MaxBatch || len(x) < n*size {
		panic(fmt.Sprintf("nn: Forward: batch of %d (%d values) for a network built for 1..%d examples of %s",
			n, len(x), net.MaxBatch, net.In))
	}
	x = x[:n*size]
	if net.in != nil { // [n][C][H·W] → [C][n][H·W]
		hw := net.In.H * net.In.W
		for img := 0; img < n; img++ {
			for c := 0; c < net.In.C; c++ {
				copy(net.in[(c*n+img)*hw:(c*n+img+1)*hw], x[(img*net.In.C+c)*hw:])
			}
		}
		x = net.in[:n*size]
	}
	for _, l := range net.Layers {
		x = l.Forward(x, n, train)
	}
	return x
}

// Backward computes the mean cost of labels (the log-likelihood, or its
// label-smoothed form) for the batch of the last Forward, and every
// parameter's gradient of that cost (without regularisation, which the
// optimiser adds).
func (net *Network) Backward(labels []int) float64 {
	return net.BackwardUpdate(labels, nil)
}

// BackwardUpdate is Backward that, when update is not nil, calls it with
// each layer's parameters as soon as that layer's gradients are final,
// from the last layer to the first. An optimiser that updates them there
// changes nothing in the gradients (a layer's weights are not used after
// its own Backward) and reads each gradient while it is still in cache.
func (net *Network) BackwardUpdate(labels []int, update func(params []*Param)) float64 {
	cost := net.softmax.LossGrad(labels, net.gz, net.LabelSmoothing)
	net.backwardFrom(update)
	return cost
}

// BackwardUpdateSoft is BackwardUpdate for the cross-entropy against the
// target distributions targets [n][K] instead of labels (see
// SoftmaxLayer.LossGradSoft); LabelSmoothing does not apply.
func (net *Network) BackwardUpdateSoft(targets []float32, update func(params []*Param)) float64 {
	cost := net.softmax.LossGradSoft(targets, net.gz)
	net.backwardFrom(update)
	return cost
}

// backwardFrom propagates net.gz, the cost's gradient with respect to the
// logits, through every layer below the softmax.
func (net *Network) backwardFrom(update func(params []*Param)) {
	g := net.gz[:net.softmax.n*net.Classes()]
	for i := len(net.Layers) - 2; i >= 0; i-- {
		g = net.Layers[i].Backward(g)
		if ps := net.layerPs[i]; update != nil && len(ps) > 0 {
			update(ps)
		}
	}
}

// Predict writes the most probable class of each of the n examples of x
// into classes.
func (net *Network) Predict(x []float32, n int, classes []int) {
	p := net.Forward(x, n, false)
	k := net.Classes()
	for i := 0; i < n; i++ {
		classes[i] = Argmax(p[i*k : (i+1)*k])
	}
}

// Argmax returns the index of the largest value (the first on ties).
func Argmax(v []float32) int {
	best := 0
	for i, x := range v {
		if x > v[best] {
			best = i
		}
	}
	return best
}
