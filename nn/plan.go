package nn

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/deepnet-go/deepnet/internal/sysmem"
)

// LayerPlan is one layer of a network as Plan works it out from the spec,
// before anything is allocated: the shapes it takes and makes, the
// parameters it owns, its memory and its arithmetic.
type LayerPlan struct {
	Spec    LayerSpec
	In, Out Shape
	Params  []ParamPlan
	// Floats estimates (from above) the float32 values of the layer's
	// buffers per example, its parameters not included.
	Floats int64
	// FLOPs counts the layer's arithmetic per example.
	FLOPs FLOPs
}

// ParamPlan is a parameter's name and shape, as New will make it.
type ParamPlan struct {
	Name  string
	Shape []int
	// Trained is false for buffers (batch normalisation's running
	// statistics), which have no gradient.
	Trained bool
	// Decay reports whether L2 regularisation applies (weights, not
	// biases).
	Decay bool
}

// Len returns the number of values of the parameter, saturating at 1<<62.
func (p ParamPlan) Len() int64 {
	n := int64(1)
	for _, d := range p.Shape {
		n = satMulAdd(n, int64(d), 0)
	}
	return n
}

// FLOPs counts the floating-point operations of a layer's matrix
// products per example, 2 per multiply-add: the forward pass, the
// parameters' gradients, and the input's gradient (which a first layer
// skips).
type FLOPs struct {
	Forward, ParamGrad, InputGrad float64
}

// Plan works out every layer of the network spec builds on inputs of shape
// in: shapes, parameter names and shapes, buffer sizes and FLOPs, without
// allocating them. New builds exactly what Plan describes; a model loader
// uses Plan to check a file's tensors and the memory its spec asks for
// before building anything. A *SpecError says which layer does not fit
// its input.
func Plan(spec Spec, in Shape) ([]LayerPlan, error) {
	if err := spec.Validate(); err != nil {
		return nil, err
	}
	if in.C < 1 || in.H < 1 || in.W < 1 || in.T < 0 || (in.T > 0 && !in.Flat) {
		return nil, &SpecError{Reason: fmt.Sprintf("input shape %s: sizes must be positive, and a sequence flat", in)}
	}
	if in.T == 0 {
		in.Flat = false // a network's input is images, or a sequence
	}
	plans := make([]LayerPlan, len(spec))
	s := in
	for i, ls := range spec {
		p, err := ls.Plan(s)
		if err != nil {
			return nil, &SpecError{Layer: i + 1, Token: ls.String(), Reason: err.Error(), Err: err}
		}
		if p.Out.C < 1 || p.Out.H < 1 || p.Out.W < 1 || p.Out.T < 0 {
			panic(fmt.Sprintf("nn.Plan: layer %d %s planned output shape %+v", i+1, ls, p.Out))
		}
		p.Spec, p.In = ls, s
		prefix := strconv.Itoa(i) + "."
		for j := range p.Params {
			p.Params[j].Name = prefix + p.Params[j].Name
		}
		plans[i] = p
		s = p.Out
	}
	return plans, nil
}

// TrainFLOPs counts the floating-point operations of training on one
// example in the matrix products of plans (forward, and the products of
// backward; the first layer computes no input gradient).
func TrainFLOPs(plans []LayerPlan) float64 {
	var total float64
	for i, p := range plans {
		total += p.FLOPs.Forward + p.FLOPs.ParamGrad
		if i > 0 {
			total += p.FLOPs.InputGrad
		}
	}
	return total
}

// Memory is what a network needs, in bytes, as Plan and a batch size
// determine it.
type Memory struct {
	// Params is the parameters, their gradients and the buffers.
	Params int64
	// Buffers is the layers' activations and workspace for the batch.
	Buffers int64
}

// Total returns all of it, saturating at 1<<62.
func (m Memory) Total() int64 { return satMulAdd(1, m.Params, m.Buffers) }

// String formats m for people: "1.2 GB".
func (m Memory) String() string { return FormatBytes(m.Total()) }

// MemoryOf returns the memory of the network plans describe, built for
// batches of maxBatch examples (float32 values; saturating so that sizes
// from a file cannot overflow).
func MemoryOf(plans []LayerPlan, maxBatch int) Memory {
	var m Memory
	for _, p := range plans {
		for _, pp := range p.Params {
			copies := int64(1)
			if pp.Trained {
				copies = 2 // value and gradient
			}
			m.Params = satMulAdd(copies*4, pp.Len(), m.Params)
		}
		m.Buffers = satMulAdd(satMulAdd(p.Floats, int64(max(maxBatch, 1)), 0), 4, m.Buffers)
	}
	if len(plans) > 0 { // the input, permuted for the first layer
		m.Buffers = satMulAdd(int64(plans[0].In.Size())*4, int64(max(maxBatch, 1)), m.Buffers)
	}
	return m
}

// MemoryCap is the most DefaultMaxMemory allows: deepnet's networks are
// MNIST-sized (the largest preset needs tens of megabytes), so a network
// that needs more is far more often a typo than a plan.
const MemoryCap = 1_000_000_000

// DefaultMaxMemory is the budget of a network and its run when none is
// given: a quarter of the machine's memory, at most MemoryCap.
func DefaultMaxMemory() int64 {
	if total, ok := sysmem.Total(); ok {
		return min(total/4, MemoryCap)
	}
	return MemoryCap
}

// MemoryError is a network, or a run, that would need more memory than its
// budget allows. It is found from the plan, before anything is allocated.
type MemoryError struct {
	// What needs it: "the network", "training".
	What        string
	Need, Limit int64
}

func (e *MemoryError) Error() string {
	return fmt.Sprintf("%s would need %s of memory, more than the limit of %s", e.What, FormatBytes(e.Need), FormatBytes(e.Limit))
}

// CheckMemory returns a *MemoryError when need is more than limit (≤ 0:
// DefaultMaxMemory).
func CheckMemory(what string, need, limit int64) error {
	if limit <= 0 {
		limit = DefaultMaxMemory()
	}
	if need > limit {
		return &MemoryError{What: what, Need: need, Limit: limit}
	}
	return nil
}

// FormatBytes writes a number of bytes for people: "512 B", "3.4 MB",
// "1.2 GB".
func FormatBytes(b int64) string {
	const unit = 1000
	if b < unit {
		return fmt.Sprintf("%d B", b)
	}
	v, prefixes := float64(b)/unit, "kMGTPE"
	i := 0
	for v >= unit && i < len(prefixes)-1 {
		v /= unit
		i++
	}
	return strings.TrimSuffix(strings.TrimSuffix(fmt.Sprintf("%.1f", v), "0"), ".") + " " + string(prefixes[i]) + "B"
}

// satMulAdd returns a·b + c for non-negative a, b, c, saturating at
// 1<<62 so that sizes read from a file cannot overflow.
func satMulAdd(a, b, c int64) int64 {
	const limit = 1 << 62
	if a != 0 && b > (limit-c)/a {
		return limit
	}
	return min(a*b+c, limit)
}

// imagesIn returns an error unless in is images (not flat, not a
// sequence): what convolution and pooling take.
func imagesIn(spec LayerSpec, in Shape) error {
	switch {
	case in.T > 0:
		return fmt.Errorf("%s: input is a sequence of %d steps, not images", spec, in.T)
	case in.Flat:
		return fmt.Errorf("%s: input is a flat vector of %d, not images", spec, in.Size())
	}
	return nil
}
