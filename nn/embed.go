package nn

import (
	"fmt"
	"math/rand/v2"

	"github.com/deepnet-go/deepnet/internal/f32"
	"github.com/deepnet-go/deepnet/tensor"
)

// EmbedSpec is an embedding: "embed:VOCABxDIM" maps each token of a
// sequence, an integer in [0, VOCAB) given as a float32 value, to a
// trained vector of DIM values (row token of weight [VOCAB][DIM], as
// PyTorch's nn.Embedding). It takes a sequence of single tokens, [T][n][1],
// and so is a network's first layer.
type EmbedSpec struct {
	Vocab, Dim int
}

var embedKind = Kind{Name: "embed", Syntax: "embed:VOCABxDIM", About: "a trained vector for each token of a sequence of tokens (bytes, for text)",
	Parse: func(arg string, _ bool) ([]LayerSpec, error) {
		v, err := sizes(arg, 2)
		if err != nil {
			return nil, err
		}
		return []LayerSpec{EmbedSpec{Vocab: v[0], Dim: v[1]}}, nil
	}}

// Kind returns "embed".
func (s EmbedSpec) Kind() string { return embedKind.Name }

func (s EmbedSpec) String() string { return fmt.Sprintf("embed:%dx%d", s.Vocab, s.Dim) }

// Validate checks the sizes.
func (s EmbedSpec) Validate() error {
	if !inSize(s.Vocab) || !inSize(s.Dim) {
		return fmt.Errorf("embed needs a vocabulary and a dimension in 1..%d", maxSize)
	}
	return nil
}

// Plan: T tokens → T vectors of Dim values.
func (s EmbedSpec) Plan(in Shape) (LayerPlan, error) {
	if in.T < 1 || in.Step() != 1 {
		return LayerPlan{}, fmt.Errorf("%s: input %s is not a sequence of single tokens", s, in)
	}
	return LayerPlan{Out: Shape{C: s.Dim, H: 1, W: 1, Flat: true, T: in.T},
		Params: []ParamPlan{{Name: "weight", Shape: []int{s.Vocab, s.Dim}, Trained: true, Decay: true}},
		Floats: satMulAdd(int64(in.T), int64(s.Dim)+1, 0)}, nil
}

// Build makes the EmbedLayer.
func (s EmbedSpec) Build(ctx BuildContext) (Layer, error) {
	p, err := s.Plan(ctx.In)
	if err != nil {
		return nil, err
	}
	if ctx.InputGrad {
		return nil, fmt.Errorf("%s: its input, tokens, has no gradient: it must be the first layer", s)
	}
	return &EmbedLayer{spec: s, out: p.Out, maxBatch: ctx.MaxBatch,
		W:   &Param{Name: ctx.Name + ".weight", Value: tensor.New(s.Vocab, s.Dim), Grad: tensor.New(s.Vocab, s.Dim), Decay: true},
		ids: make([]int32, ctx.MaxBatch*ctx.In.T), y: make([]float32, ctx.MaxBatch*p.Out.Size())}, nil
}

// EmbedLayer looks up each token's vector.
type EmbedLayer struct {
	spec     EmbedSpec
	out      Shape
	maxBatch int
	W        *Param
	ids      []int32 // the tokens of the last Forward
	y        []float32
	rows     int
}

// Spec returns the layer's spec.
func (l *EmbedLayer) Spec() LayerSpec { return l.spec }

// OutShape returns T steps of Dim values.
func (l *EmbedLayer) OutShape() Shape { return l.out }

// Params returns the vectors [Vocab][Dim].
func (l *EmbedLayer) Params() []*Param { return []*Param{l.W} }

// Init draws the vectors from N(0, 1), as PyTorch does, under every
// scheme.
func (l *EmbedLayer) Init(_ Init, _ InitContext, rng *rand.Rand) error {
	normal(rng, l.W.Value.Data, 1)
	return nil
}

// Forward: tokens x [T][n] → vectors [T][n][Dim]. It panics on a token
// outside the vocabulary (data are checked before they reach a network).
func (l *EmbedLayer) Forward(x []float32, n int, train bool) []float32 {
	checkBatch("embed", n, l.maxBatch)
	d := l.spec.Dim
	l.rows = n * l.out.T
	for r, v := range x[:l.rows] {
		id := int(v)
		if float32(id) != v || id < 0 || id >= l.spec.Vocab {
			panic(fmt.Sprintf("nn: embed: token %v at %d is not one of 0..%d", v, r, l.spec.Vocab-1))
		}
		l.ids[r] = int32(id)
		copy(l.y[r*d:(r+1)*d], l.W.Value.Data[id*d:(id+1)*d])
	}
	return l.y[:l.rows*d]
}

// Backward adds each step's gradient to its token's row of the weights'
// gradient, in order; there is no input gradient.
func (l *EmbedLayer) Backward(gy []float32) []float32 {
	d := l.spec.Dim
	clear(l.W.Grad.Data)
	for r, id := range l.ids[:l.rows] {
		f32.Axpy(1, gy[r*d:(r+1)*d], l.W.Grad.Data[int(id)*d:(int(id)+1)*d])
	}
	return nil
}
