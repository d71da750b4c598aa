package nn

import "fmt"

// LayerPlan is one layer of a network as Plan works it out from the spec,
// before anything is allocated: the shapes it takes and makes and the
// parameters it owns.
type LayerPlan struct {
	Spec    LayerSpec
	In, Out Shape
	Params  []ParamPlan
	// Floats estimates (from above) the float32 values of the layer's
	// buffers per example.
	Floats int64
}

// ParamPlan is a parameter's name and shape, as New will make it.
type ParamPlan struct {
	Name  string
	Shape []int
}

// Plan works out every layer of the network spec builds on inputs of shape
// in: shapes, parameter names and shapes, and buffer sizes, without
// allocating them. New builds exactly what Plan describes; a model loader
// uses Plan to check a file's tensors and the memory its spec asks for
// before building anything. A softmax:K entry plans two layers, the
// fully-connected one (with the parameters) and the softmax. The error
// says which layer does not fit its input.
func Plan(spec Spec, in Shape) ([]LayerPlan, error) {
	if err := spec.Validate(); err != nil {
		return nil, err
	}
	if in.C < 1 || in.H < 1 || in.W < 1 {
		return nil, fmt.Errorf("nn: input shape %s must be positive", in)
	}
	var plans []LayerPlan
	s := in
	s.Flat = false
	for i, ls := range spec {
		name := fmt.Sprint(i)
		p := LayerPlan{Spec: ls, In: s, Out: s}
		size := int64(s.Size())
		var err error
		switch ls.Kind {
		case Conv:
			if p.Out, err = convOut(ls, s); err != nil {
				break
			}
			k := int64(s.C * ls.KH * ls.KW)
			p.Floats = satMulAdd(k, int64(p.Out.H*p.Out.W), 2*size+int64(p.Out.Size()))
			p.Params = []ParamPlan{{name + ".weight", []int{ls.N, s.C, ls.KH, ls.KW}}, {name + ".bias", []int{ls.N}}}
		case MaxPool, L2Pool, AvgPool:
			if p.Out, err = poolOut(ls, s); err != nil {
				break
			}
			p.Floats = 2*size + 2*int64(p.Out.Size())
		case FC, Softmax:
			p.Out = Shape{C: ls.N, H: 1, W: 1, Flat: true}
			p.Floats = 3*size + int64(ls.N)
			p.Params = []ParamPlan{{name + ".weight", []int{ls.N, s.Size()}}, {name + ".bias", []int{ls.N}}}
			if ls.Kind == Softmax {
				p.Spec = LayerSpec{Kind: FC, N: ls.N}
				plans = append(plans, p)
				p = LayerPlan{Spec: ls, In: p.Out, Out: p.Out, Floats: 3 * int64(ls.N)}
			}
		case BatchNorm:
			c := batchNormChannels(s)
			p.Floats = 3 * size
			for _, suffix := range []string{".weight", ".bias", ".running_mean", ".running_var"} {
				p.Params = append(p.Params, ParamPlan{name + suffix, []int{c}})
			}
		default: // activations and dropout keep the shape
			p.Floats = 3 * size
		}
		if err != nil {
			return nil, fmt.Errorf("nn: layer %d: %v", i+1, err)
		}
		plans = append(plans, p)
		s = p.Out
	}
	return plans, nil
}

// convOut is the output shape of a convolution, or why it does not fit.
func convOut(spec LayerSpec, in Shape) (Shape, error) {
	stride := max(spec.Stride, 1)
	switch {
	case in.Flat:
		return Shape{}, fmt.Errorf("%s: input is a flat vector of %d, not images", spec, in.Size())
	case in.H < spec.KH || in.W < spec.KW:
		return Shape{}, fmt.Errorf("%s: input %s is smaller than the %d×%d kernel", spec, in, spec.KH, spec.KW)
	}
	return Shape{C: spec.N, H: (in.H-spec.KH)/stride + 1, W: (in.W-spec.KW)/stride + 1}, nil
}

// poolOut is the output shape of a pooling layer, or why it does not fit.
func poolOut(spec LayerSpec, in Shape) (Shape, error) {
	switch {
	case in.Flat:
		return Shape{}, fmt.Errorf("%s: input is a flat vector of %d, not images", spec, in.Size())
	case in.H < spec.KH || in.W < spec.KW:
		return Shape{}, fmt.Errorf("%s: input %s is smaller than the pool", spec, in)
	}
	return Shape{C: in.C, H: in.H / spec.KH, W: in.W / spec.KW}, nil
}

// batchNormChannels is the number of values batch normalisation keeps
// statistics for: feature maps of images, units of flat vectors.
func batchNormChannels(in Shape) int {
	if in.Flat {
		return in.Size()
	}
	return in.C
}

// satMulAdd returns a·b + c, saturating at 1<<62 so that sizes read from a
// file cannot overflow.
func satMulAdd(a, b, c int64) int64 {
	const limit = 1 << 62
	if a != 0 && b > (limit-c)/a {
		return limit
	}
	return a*b + c
}
