package nn

import (
	"fmt"
	"math/rand/v2"
	"strconv"
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
	// Init chooses the weight initialisation (InitNetwork3 when empty).
	Init Init
	// MaxMemory is the most memory, in bytes, the network may take
	// (parameters, gradients and buffers for MaxBatch examples; see
	// MemoryOf); 0 means DefaultMaxMemory. New refuses a larger network
	// with a *MemoryError before allocating it.
	MaxMemory int64
}

// Network is a sequence of layers with preallocated buffers. Its input is
// a batch [n][C][H][W] of float32 images (or [T][n][C] sequences) and its
// output the last layer's: class probabilities [n][K] when it ends in a
// Classifier such as softmax:K. A Network is not safe for concurrent use:
// each goroutine needs its own (they may share nothing).
type Network struct {
	Config
	// Layers are the layers, one per entry of Spec.
	Layers  []Layer
	params  []*Param
	layerPs [][]*Param // each layer's Params, for Backward's updates
	in      []float32  // input permuted to [C][n][H][W] when C > 1
	// frozen marks the layers SetFrozen froze (nil: none); low is the
	// lowest layer a backward pass reaches (see SetFrozen).
	frozen []bool
	low    int
}

// New builds the network cfg describes and initialises its weights. The
// error says which layer does not fit its input (e.g. a kernel larger than
// the image).
func New(cfg Config) (*Network, error) {
	plans, err := Plan(cfg.Spec, cfg.In)
	if err != nil {
		return nil, err
	}
	if cfg.MaxBatch < 1 {
		return nil, fmt.Errorf("nn: MaxBatch %d must be at least 1", cfg.MaxBatch)
	}
	if cfg.Init, err = ParseInit(string(cfg.Init)); err != nil {
		return nil, err
	}
	if err := CheckMemory("the network", MemoryOf(plans, cfg.MaxBatch).Total(), cfg.MaxMemory); err != nil {
		return nil, err
	}
	net := &Network{Config: cfg}
	for i, p := range plans {
		ctx := BuildContext{In: p.In, MaxBatch: cfg.MaxBatch, InputGrad: i > 0, Name: strconv.Itoa(i), Seed: cfg.Seed, Index: i}
		layer, err := p.Spec.Build(ctx)
		if err != nil {
			return nil, &SpecError{Layer: i + 1, Token: p.Spec.String(), Reason: err.Error(), Err: err}
		}
		checkBuilt(i, layer, p)
		net.Layers = append(net.Layers, layer)
		ps := layer.Params()
		net.layerPs = append(net.layerPs, ps)
		net.params = append(net.params, ps...)
	}
	if cfg.In.C > 1 && cfg.In.T == 0 {
		net.in = make([]float32, cfg.In.Size()*cfg.MaxBatch)
	}
	if err := net.initialise(plans, rand.New(rand.NewPCG(cfg.Seed, 0))); err != nil {
		return nil, err
	}
	return net, nil
}

// checkBuilt panics unless layer i is what its plan p says: a kind whose
// Build and Plan disagree is a programmer error.
func checkBuilt(i int, layer Layer, p LayerPlan) {
	ps := layer.Params()
	ok := layer.OutShape() == p.Out && len(ps) == len(p.Params)
	for j := 0; ok && j < len(ps); j++ {
		pp := p.Params[j]
		ok = ps[j].Name == pp.Name && int64(ps[j].Value.Len()) == pp.Len() && (ps[j].Grad != nil) == pp.Trained && ps[j].Decay == pp.Decay
	}
	if !ok {
		panic(fmt.Sprintf("nn.New: layer %d %s built differently from its plan", i+1, p.Spec))
	}
}

// initialise draws every layer's parameters from rng, in order.
func (net *Network) initialise(plans []LayerPlan, rng *rand.Rand) error {
	for i, l := range net.Layers {
		ini, ok := l.(Initialiser)
		if !ok {
			for _, p := range net.layerPs[i] {
				if p.Grad != nil {
					return &SpecError{Layer: i + 1, Token: l.Spec().String(), Reason: "the layer has trained parameters but no initialisation"}
				}
			}
			continue
		}
		if err := ini.Init(net.Init, initContext(plans, i), rng); err != nil {
			return &SpecError{Layer: i + 1, Token: l.Spec().String(), Reason: err.Error(), Err: err}
		}
	}
	return nil
}

// ResetRunningStats calls ResetRunning(cumulative) on every layer with
// running statistics (see RunningStats) and reports whether there is one.
func (net *Network) ResetRunningStats(cumulative bool) bool {
	found := false
	for _, l := range net.Layers {
		if rs, ok := l.(RunningStats); ok {
			rs.ResetRunning(cumulative)
			found = true
		}
	}
	return found
}

// SetCarry turns carrying the state across Forwards on or off in every
// Recurrent layer, and reports whether there is one.
func (net *Network) SetCarry(on bool) bool {
	found := false
	for _, l := range net.Layers {
		if r, ok := l.(Recurrent); ok {
			r.SetCarry(on)
			found = true
		}
	}
	return found
}

// ResetState makes every Recurrent layer's next Forward start from zeros.
func (net *Network) ResetState() {
	for _, l := range net.Layers {
		if r, ok := l.(Recurrent); ok {
			r.ResetState()
		}
	}
}

// Params returns every parameter tensor, in layer order: the trained ones
// and the buffers (batch normalisation's running statistics, Grad nil).
func (net *Network) Params() []*Param { return net.params }

// OutShape returns the shape of one example of the network's output.
func (net *Network) OutShape() Shape { return net.Layers[len(net.Layers)-1].OutShape() }

// Classifier returns the last layer when it is a Classifier.
func (net *Network) Classifier() (Classifier, bool) {
	c, ok := net.Layers[len(net.Layers)-1].(Classifier)
	return c, ok
}

// CheckClassifier returns an error unless the network ends in a
// Classifier of whole examples (one distribution per example, not per step
// of a sequence).
func (net *Network) CheckClassifier() error {
	if c, ok := net.Classifier(); !ok || c.OutShape().T > 0 {
		return fmt.Errorf("nn: the network ends in %s, not a classifier of whole examples (such as softmax:10)", net.Layers[len(net.Layers)-1].Spec())
	}
	return nil
}

// CheckImages returns an error unless the network takes one-channel
// images of rows×cols pixels.
func (net *Network) CheckImages(rows, cols int) error {
	if in := net.In; in.C != 1 || in.H != rows || in.W != cols || in.T > 0 {
		return fmt.Errorf("nn: the network takes inputs of %s, not images of 1×%d×%d", in, rows, cols)
	}
	return nil
}

// Classes returns the number of classes of a network that ends in a
// Classifier, 0 for any other.
func (net *Network) Classes() int {
	if c, ok := net.Classifier(); ok {
		return c.Classes()
	}
	return 0
}

// Forward runs a batch x [n][C][H][W] through the network and returns the
// last layer's output, in a buffer valid until the next Forward. train
// enables dropout and batch statistics.
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

// Backward propagates gy, the gradient of a cost with respect to the
// network's output for the batch of the last Forward, through every
// layer: see BackwardFrom.
func (net *Network) Backward(gy []float32, update func(params []*Param)) {
	net.BackwardFrom(len(net.Layers)-1, gy, update)
}

// BackwardFrom propagates g, the gradient of a cost with respect to the
// output of layer top, down through layers top, ..., 0, writing every
// parameter's gradient. When update is not nil it is called with each
// layer's parameters as soon as that layer's gradients are final: an
// optimiser that updates them there changes nothing in the gradients (a
// layer's weights are not used after its own Backward) and reads each
// gradient while it is still in cache.
//
// With frozen layers (SetFrozen) it stops at the lowest layer that is
// trained, and never calls update with a frozen layer's parameters.
func (net *Network) BackwardFrom(top int, g []float32, update func(params []*Param)) {
	for i := top; i >= net.low; i-- {
		g = net.Layers[i].Backward(g)
		if ps := net.layerPs[i]; update != nil && len(ps) > 0 && !net.Frozen(i) {
			update(ps)
		}
	}
}

// BackwardLabels is Backward for a network that ends in a Classifier,
// whose cost is the cross-entropy of the last Forward against labels with
// label smoothing ε (see Classifier.CrossEntropy); it returns the cost. It
// panics when the network does not end in a Classifier.
func (net *Network) BackwardLabels(labels []int, smoothing float64, update func(params []*Param)) float64 {
	cost, g := net.classifier("BackwardLabels").CrossEntropy(labels, smoothing)
	net.backwardBelowHead(g, update)
	return cost
}

// BackwardTargets is BackwardLabels for the cross-entropy against target
// distributions [rows][K] (see Classifier.CrossEntropySoft).
func (net *Network) BackwardTargets(targets []float32, update func(params []*Param)) float64 {
	cost, g := net.classifier("BackwardTargets").CrossEntropySoft(targets)
	net.backwardBelowHead(g, update)
	return cost
}

// classifier returns the last layer, or panics for the method named
// caller when it is not a Classifier.
func (net *Network) classifier(caller string) Classifier {
	c, ok := net.Classifier()
	if !ok {
		panic(fmt.Sprintf("nn: %s: the network ends in %s, not a classifier", caller, net.Layers[len(net.Layers)-1].Spec()))
	}
	return c
}

// backwardBelowHead finishes a backward pass whose last layer computed
// its own gradients and g, its input's.
func (net *Network) backwardBelowHead(g []float32, update func(params []*Param)) {
	last := len(net.Layers) - 1
	if ps := net.layerPs[last]; update != nil && len(ps) > 0 && !net.Frozen(last) {
		update(ps)
	}
	net.BackwardFrom(last-1, g, update)
}

// Predict writes the most probable class of each of the n examples of x
// into classes. It panics unless the network ends in a Classifier whose
// output is one distribution per example.
func (net *Network) Predict(x []float32, n int, classes []int) {
	if err := net.CheckClassifier(); err != nil {
		panic("nn: Predict: " + err.Error())
	}
	k := net.Classes()
	p := net.Forward(x, n, false)
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
