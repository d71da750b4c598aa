package nn

import (
	"fmt"
	"math"
	"math/rand/v2"
)

// Init names a weight initialisation.
type Init string

const (
	// Network3 is network3.py's: conv weights N(0, 1/n_out) with
	// n_out = maps·KH·KW/pool area, fully-connected weights N(0, 1/units),
	// biases N(0, 1), the softmax layer's weights and biases zero.
	Network3 Init = "network3"
	// He is He et al. (2015), for ReLU: weights N(0, 2/fan_in), biases zero,
	// the softmax layer zero.
	He Init = "he"
)

// ParseInit checks an initialisation name; "" means Network3.
func ParseInit(s string) (Init, error) {
	switch Init(s) {
	case "":
		return Network3, nil
	case Network3, He:
		return Init(s), nil
	}
	return "", fmt.Errorf("unknown initialisation %q (valid: network3, he)", s)
}

// initialise draws every parameter from rng, layer by layer, in spec order.
func (net *Network) initialise(rng *rand.Rand) {
	li := 0
	for i, ls := range net.Spec {
		var w, b *Param
		var fanIn, nOut float64
		switch l := net.Layers[li].(type) {
		case *ConvLayer:
			w, b = l.W, l.B
			fanIn = float64(l.in.C * ls.KH * ls.KW)
			nOut = float64(ls.N*ls.KH*ls.KW) / float64(net.poolAreaAfter(i))
		case *DenseLayer:
			w, b = l.W, l.B
			fanIn, nOut = float64(l.in.Size()), float64(ls.N)
			if ls.Kind == Softmax {
				li++ // the softmax layer after the dense one
				w, b = nil, nil
			}
		}
		li++
		if w == nil {
			continue
		}
		switch net.Init {
		case He:
			normal(rng, w.Value.Data, math.Sqrt(2/fanIn))
		default:
			normal(rng, w.Value.Data, math.Sqrt(1/nOut))
			normal(rng, b.Value.Data, 1)
		}
	}
}

// poolAreaAfter returns the area of the pooling layer that follows layer i
// before the next layer with weights, or 1 when there is none.
func (net *Network) poolAreaAfter(i int) int {
	for _, l := range net.Spec[i+1:] {
		switch l.Kind {
		case MaxPool, L2Pool, AvgPool:
			return l.KH * l.KW
		case Conv, FC, Softmax:
			return 1
		}
	}
	return 1
}

func normal(rng *rand.Rand, x []float32, std float64) {
	for i := range x {
		x[i] = float32(rng.NormFloat64() * std)
	}
}
