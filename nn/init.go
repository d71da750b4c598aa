package nn

import (
	"fmt"
	"math"
	"math/rand/v2"
)

// Init names a weight initialisation scheme.
type Init string

const (
	// InitNetwork3 is network3.py's: weights N(0, 1/n_out) with n_out =
	// maps·KH·KW/pool area for convolutions and the units for
	// fully-connected layers, biases N(0, 1), the softmax layer zero.
	InitNetwork3 Init = "network3"
	// InitHe is He et al. (2015), for ReLU: weights N(0, 2/fan_in), biases
	// zero, the softmax layer zero.
	InitHe Init = "he"
	// InitPyTorch is PyTorch's default: every weight and bias (the
	// softmax layer's too) U(-1/√fan_in, 1/√fan_in), as nn.Linear and
	// nn.Conv2d draw them; embeddings N(0, 1).
	InitPyTorch Init = "pytorch"
)

// ParseInit checks a scheme's name; "" means InitNetwork3.
func ParseInit(s string) (Init, error) {
	switch Init(s) {
	case "":
		return InitNetwork3, nil
	case InitNetwork3, InitHe, InitPyTorch:
		return Init(s), nil
	}
	return "", fmt.Errorf("nn: unknown initialisation %q (valid: network3, he, pytorch)", s)
}

// InitContext is what a layer's Init may need to know of the network
// around it.
type InitContext struct {
	// PoolArea is the area of the pooling that follows the layer before
	// the next layer with regularised weights (1 when none does):
	// network3 divides a convolution's fan-out by it.
	PoolArea int
}

// Pooling is implemented by the LayerSpecs of pooling layers: Area is the
// number of inputs each output pools.
type Pooling interface {
	Area() int
}

// Window is implemented by the LayerSpecs of layers whose every output
// pixel reads one window of the input's pixels: output (i, j) of a map
// reads rows i·SH … i·SH+KH−1 and columns j·SW … j·SW+KW−1 of the input
// (of each input map, for a convolution). A picture of what a unit sees
// (its receptive field on the network's input) composes the windows of
// the layers below it; layers that keep the input's height and width and
// do not implement Window act pixel by pixel.
type Window interface {
	Window() (kh, kw, sh, sw int)
}

// initContext returns the InitContext of layer i of plans.
func initContext(plans []LayerPlan, i int) InitContext {
	for _, p := range plans[i+1:] {
		if pool, ok := p.Spec.(Pooling); ok {
			return InitContext{PoolArea: pool.Area()}
		}
		for _, pp := range p.Params {
			if pp.Decay {
				return InitContext{PoolArea: 1}
			}
		}
	}
	return InitContext{PoolArea: 1}
}

// initWeights draws w and b of a layer with fanIn inputs and fanOut
// outputs per weight as scheme says: network3's N(0, 1/fanOut) weights and
// N(0, 1) biases, He's N(0, 2/fanIn) weights and zero biases, or
// PyTorch's U(-1/√fanIn, 1/√fanIn) for both.
func initWeights(scheme Init, rng *rand.Rand, w, b []float32, fanIn, fanOut float64) error {
	switch scheme {
	case InitHe:
		normal(rng, w, math.Sqrt(2/fanIn))
		clear(b)
	case InitPyTorch:
		uniform(rng, w, 1/math.Sqrt(fanIn))
		uniform(rng, b, 1/math.Sqrt(fanIn))
	case InitNetwork3:
		normal(rng, w, math.Sqrt(1/fanOut))
		normal(rng, b, 1)
	default:
		return fmt.Errorf("no initialisation for scheme %q", scheme)
	}
	return nil
}

// uniform draws x from U(-k, k).
func uniform(rng *rand.Rand, x []float32, k float64) {
	for i := range x {
		x[i] = float32((2*rng.Float64() - 1) * k)
	}
}

func normal(rng *rand.Rand, x []float32, std float64) {
	for i := range x {
		x[i] = float32(rng.NormFloat64() * std)
	}
}
