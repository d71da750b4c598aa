package nn

import "fmt"

// Freezing layers is how fine-tuning keeps pre-trained layers as they
// are: a frozen layer's parameters (and batch normalisation's running
// statistics) are not trained, and a backward pass does no work for them
// that nothing needs.

// Freezer is implemented by layers with trained parameters that can be
// frozen. SetFrozen(true) makes Backward leave the parameters' gradients
// as they are (no weight-gradient products) while it still computes the
// input's gradient, and makes a layer with running statistics (batch
// normalisation) normalise with them in training as at inference,
// leaving them unchanged. A layer with trained parameters that is not a
// Freezer can still be frozen: it is not updated, but its gradients are
// computed for nothing.
type Freezer interface {
	SetFrozen(on bool)
}

// InputGradSwitch is implemented by layers that can skip computing
// dCost/dInput in Backward: SetInputGrad(false) makes Backward return nil,
// SetInputGrad(true) restores the layer as it was built
// (BuildContext.InputGrad).
type InputGradSwitch interface {
	SetInputGrad(on bool)
}

// SetFrozen freezes the layers i with frozen[i] set and unfreezes the
// others (frozen holds one entry per layer; another length panics). The
// parameters of a frozen layer are marked Param.Frozen, a training step
// leaves them and, for batch normalisation, the running statistics as
// they are (see Freezer), and BackwardFrom passes them to no update.
// Backward stops at the lowest layer with trained parameters that is not
// frozen, and that layer computes no input gradient, since nothing below
// it needs one; when every layer is frozen only the classifier's cost is
// computed. SetFrozen(nil) is SetFrozen of all false.
func (net *Network) SetFrozen(frozen []bool) {
	if frozen != nil && len(frozen) != len(net.Layers) {
		panic(fmt.Sprintf("nn: SetFrozen: %d entries for a network of %d layers", len(frozen), len(net.Layers)))
	}
	net.frozen, net.low = nil, 0
	some := false
	for _, f := range frozen {
		some = some || f
	}
	if some {
		net.frozen = append([]bool(nil), frozen...)
		net.low = len(net.Layers)
		for i := len(net.Layers) - 1; i >= 0; i-- {
			if !frozen[i] && hasTrained(net.layerPs[i]) {
				net.low = i
			}
		}
	}
	for i, l := range net.Layers {
		f := some && frozen[i]
		if fz, ok := l.(Freezer); ok {
			fz.SetFrozen(f)
		}
		for _, p := range net.layerPs[i] {
			p.Frozen = f
		}
		if s, ok := l.(InputGradSwitch); ok {
			s.SetInputGrad(!some || i != net.low)
		}
	}
}

// Frozen reports whether layer i is frozen (SetFrozen).
func (net *Network) Frozen(i int) bool { return i < len(net.frozen) && net.frozen[i] }

// Trained reports whether layer i has trained parameters and is not
// frozen.
func (net *Network) Trained(i int) bool { return !net.Frozen(i) && hasTrained(net.layerPs[i]) }

// hasTrained reports whether ps holds a trained parameter (not only
// buffers).
func hasTrained(ps []*Param) bool {
	for _, p := range ps {
		if p.Grad != nil {
			return true
		}
	}
	return false
}
