package nn

import (
	"fmt"
	"math"
	"math/rand/v2"
	"strconv"
	"strings"

	"github.com/deepnet-go/deepnet/tensor"
)

// RecurrentSpec is a stack of recurrent layers of one kind of cell over a
// sequence: "rnn:H", "lstm:H" or "gru:H" for H hidden units, "xL" for L
// layers stacked ("lstm:128x2"), and ":seq" to output the top layer's
// hidden state at every step instead of at the last one. Parameters are
// named and laid out as PyTorch's nn.RNN, nn.LSTM and nn.GRU name and lay
// out theirs (weight_ih_l0 [G·H][in], weight_hh_l0 [G·H][H], bias_ih_l0,
// bias_hh_l0, the G gates in PyTorch's order), so that a model file's
// tensors load into them.
type RecurrentSpec struct {
	Cell   string
	Hidden int
	// Layers is the number of layers stacked (1 when 0).
	Layers int
	// Seq outputs every step's hidden state, [T][n][H]; else the last
	// step's, [n][H].
	Seq bool
}

var (
	rnnKind  = recurrentKind("rnn", "recurrent layer of tanh units: h' = tanh(W x + b + U h + c)")
	lstmKind = recurrentKind("lstm", "long short-term memory (Hochreiter & Schmidhuber 1997, with a forget gate)")
	gruKind  = recurrentKind("gru", "gated recurrent units (Cho et al. 2014)")
)

func recurrentKind(name, about string) Kind {
	return Kind{Name: name, Syntax: name + ":HIDDEN[xLAYERS][:seq]", About: about,
		Parse: func(arg string, _ bool) ([]LayerSpec, error) {
			size, out, hasOut := strings.Cut(arg, ":")
			if hasOut && out != "seq" {
				return nil, fmt.Errorf("%q: the only option is seq (every step's state)", out)
			}
			v, err := sizes(size, 1, 2)
			if err != nil {
				return nil, err
			}
			s := RecurrentSpec{Cell: name, Hidden: v[0], Layers: 1, Seq: hasOut}
			if len(v) == 2 {
				s.Layers = v[1]
			}
			return []LayerSpec{s}, nil
		}}
}

// Kind returns the cell's name.
func (s RecurrentSpec) Kind() string { return s.Cell }

func (s RecurrentSpec) String() string {
	t := s.Cell + ":" + strconv.Itoa(s.Hidden)
	if s.layers() > 1 {
		t += "x" + strconv.Itoa(s.layers())
	}
	if s.Seq {
		t += ":seq"
	}
	return t
}

func (s RecurrentSpec) layers() int { return max(s.Layers, 1) }

// maxRecurrentLayers bounds the layers one spec entry stacks.
const maxRecurrentLayers = 64

// Validate checks the cell and the sizes.
func (s RecurrentSpec) Validate() error {
	if _, ok := cells[s.Cell]; !ok {
		return fmt.Errorf("unknown recurrent cell %q", s.Cell)
	}
	if !inSize(s.Hidden) || s.Layers < 0 || s.Layers > maxRecurrentLayers {
		return fmt.Errorf("%s needs 1..%d hidden units and 1..%d layers", s.Cell, maxSize, maxRecurrentLayers)
	}
	return nil
}

// Plan: a sequence [T][C] → [T][H] (seq) or [H].
func (s RecurrentSpec) Plan(in Shape) (LayerPlan, error) {
	if in.T < 1 {
		return LayerPlan{}, fmt.Errorf("%s: input %s is not a sequence (read images with rows or pixels first)", s, in)
	}
	c, h, steps := cells[s.Cell], s.Hidden, float64(in.T)
	out := Shape{C: h, H: 1, W: 1, Flat: true}
	if s.Seq {
		out.T = in.T
	}
	p := LayerPlan{Out: out}
	width := in.Step()
	for l := range s.layers() {
		gh := c.gates * h
		suffix := "_l" + strconv.Itoa(l)
		p.Params = append(p.Params,
			ParamPlan{Name: "weight_ih" + suffix, Shape: []int{gh, width}, Trained: true, Decay: true},
			ParamPlan{Name: "weight_hh" + suffix, Shape: []int{gh, h}, Trained: true, Decay: true},
			ParamPlan{Name: "bias_ih" + suffix, Shape: []int{gh}, Trained: true},
			ParamPlan{Name: "bias_hh" + suffix, Shape: []int{gh}, Trained: true})
		p.Floats = satMulAdd(1, levelFloats(c, width, h, in.T), p.Floats)
		ih, hh := 2*float64(gh)*float64(width)*steps, 2*float64(gh)*float64(h)*steps
		p.FLOPs.Forward += ih + hh
		p.FLOPs.ParamGrad += ih + 2*hh // the weights' products, and the state's gradient through time
		if l == 0 {
			p.FLOPs.InputGrad += ih
		} else {
			p.FLOPs.ParamGrad += ih
		}
		width = h
	}
	return p, nil
}

// levelFloats is the float32 values of one layer's buffers per example:
// for each of T+1 steps the gates' values and gradients, the states and
// the input's gradient; and the gradients and carried state of one step.
func levelFloats(c cell, in, h, t int) int64 {
	gates := int64(c.gates * h)
	step := 2*gates + int64(in) + int64(1+c.extraStates)*int64(h)
	if c.hiddenGates {
		step += 2 * gates
	}
	return satMulAdd(int64(t+1), step, 5*int64(h))
}

// Build makes the RecurrentLayer.
func (s RecurrentSpec) Build(ctx BuildContext) (Layer, error) {
	p, err := s.Plan(ctx.In)
	if err != nil {
		return nil, err
	}
	return newRecurrent(s, ctx, p.Out), nil
}

// cell is one kind of recurrent unit: its gates and the step functions of
// its file (rnn.go, lstm.go, gru.go).
type cell struct {
	gates int
	// extraStates is the number of H-wide values per step beyond the
	// hidden state (LSTM: the cell state and its tanh).
	extraStates int
	// hiddenGates reports gates that need the hidden product apart from
	// the input's (GRU's reset gate multiplies only U h + c).
	hiddenGates bool
	// forward computes step t of level lv for the examples [r0, r1) of a
	// batch of n, from their pre-activations (lv.a, which already hold
	// the input's product and the biases) and states lv.hs[t]. backward
	// computes their gradients of step t from dh (with respect to
	// lv.hs[t+1]), writing lv.dA, lv.dGh (when hiddenGates) and dhPrev's
	// part that does not go through U (dh and dhPrev are [n][H]).
	forward  func(lv *level, t, n, r0, r1 int)
	backward func(lv *level, t, n, r0, r1 int, dh, dhPrev []float32)
}

// cells are the recurrent units by name.
var cells = map[string]cell{"rnn": rnnCell, "lstm": lstmCell, "gru": gruCell}

// level is one of the stacked layers of a RecurrentLayer and its buffers,
// laid out time first: a[t][i][g] is a[(t·n+i)·G·H + g] for a batch of n.
type level struct {
	c          cell
	in, h      int
	W, U, B, C *Param    // weight_ih, weight_hh, bias_ih, bias_hh
	wt, ut     []float32 // Wᵀ [in][G·H] and Uᵀ [H][G·H], for products that read them in place
	x          []float32 // input [T][n][in] (not owned)
	a          []float32 // gate pre-activations, then values [T][n][G·H]
	gh         []float32 // hiddenGates: U h + c [T][n][G·H]
	hs         []float32 // hidden states [T+1][n][H], hs[0] the initial one
	cs, tc     []float32 // LSTM: cell states [T+1][n][H] and their tanh [T][n][H]
	dA, dGh    []float32 // gradients of the gates' input and hidden parts
	dh, dhPrev []float32 // [n][H]: dCost/dh of a step and of the one before
	dc         []float32 // LSTM: dCost/dc [n][H]
	dx         []float32 // [T][n][in]
	h0, c0     []float32 // the state carried from the last Forward
	norms      []float64 // ‖dCost/dh_t‖ per step, when recording
	normSq     []float64 // [blocks][T] each block's part of norms²
}

// RecurrentLayer is a stack of recurrent layers run over a sequence
// [T][n][C]. The input's products with every layer's weights, for all
// steps, are one matrix product; only the hidden state's product is made
// step by step. It is Recurrent: with carry, each Forward starts from the
// state the last one ended in.
type RecurrentLayer struct {
	spec     RecurrentSpec
	in, out  Shape
	maxBatch int
	inGrad   bool
	// frozen skips the parameters' gradients, noInGrad the input's (see
	// Freezer and InputGradSwitch).
	frozen, noInGrad bool
	levels           []*level
	n                int
	carry            bool
	carried          bool // the carried state is that of a batch of n
	record           bool
	task             stepsTask
}

func newRecurrent(s RecurrentSpec, ctx BuildContext, out Shape) *RecurrentLayer {
	l := &RecurrentLayer{spec: s, in: ctx.In, out: out, maxBatch: ctx.MaxBatch, inGrad: ctx.InputGrad}
	l.task.l = l
	c, h, t, b := cells[s.Cell], s.Hidden, ctx.In.T, ctx.MaxBatch
	width := ctx.In.Step()
	for i := range s.layers() {
		g := c.gates * h
		name := func(p string) string { return ctx.Name + "." + p + "_l" + strconv.Itoa(i) }
		lv := &level{c: c, in: width, h: h,
			W: &Param{Name: name("weight_ih"), Value: tensor.New(g, width), Grad: tensor.New(g, width), Decay: true},
			U: &Param{Name: name("weight_hh"), Value: tensor.New(g, h), Grad: tensor.New(g, h), Decay: true},
			B: &Param{Name: name("bias_ih"), Value: tensor.New(g), Grad: tensor.New(g)},
			C: &Param{Name: name("bias_hh"), Value: tensor.New(g), Grad: tensor.New(g)},
			a: make([]float32, t*b*g), dA: make([]float32, t*b*g),
			hs: make([]float32, (t+1)*b*h), dh: make([]float32, b*h), dhPrev: make([]float32, b*h),
			h0: make([]float32, b*h), norms: make([]float64, t), normSq: make([]float64, blocks(b)*t),
			wt: make([]float32, width*g), ut: make([]float32, h*g),
		}
		if c.hiddenGates {
			lv.gh, lv.dGh = make([]float32, t*b*g), make([]float32, t*b*g)
		} else {
			lv.dGh = lv.dA
		}
		if c.extraStates > 0 {
			lv.cs, lv.tc = make([]float32, (t+1)*b*h), make([]float32, t*b*h)
			lv.dc, lv.c0 = make([]float32, b*h), make([]float32, b*h)
		}
		if i > 0 || ctx.InputGrad {
			lv.dx = make([]float32, t*b*width)
		}
		l.levels = append(l.levels, lv)
		width = h
	}
	return l
}

// Spec returns the layer's spec.
func (l *RecurrentLayer) Spec() LayerSpec { return l.spec }

// OutShape returns [T][H] or [H].
func (l *RecurrentLayer) OutShape() Shape { return l.out }

// Params returns each layer's weight_ih, weight_hh, bias_ih and bias_hh,
// as PyTorch's state_dict orders them.
func (l *RecurrentLayer) Params() []*Param {
	var ps []*Param
	for _, lv := range l.levels {
		ps = append(ps, lv.W, lv.U, lv.B, lv.C)
	}
	return ps
}

// Init draws every weight and bias from U(-1/√H, 1/√H), as PyTorch does,
// under every scheme.
func (l *RecurrentLayer) Init(_ Init, _ InitContext, rng *rand.Rand) error {
	k := 1 / math.Sqrt(float64(l.spec.Hidden))
	for _, p := range l.Params() {
		uniform(rng, p.Value.Data, k)
	}
	return nil
}

// SetFrozen(true) makes Backward leave the parameters' gradients as they
// are (no weight-gradient products; the gradient still flows back through
// time to the input): see Freezer.
func (l *RecurrentLayer) SetFrozen(on bool) { l.frozen = on }

// SetInputGrad(false) makes Backward skip the input's gradient of the
// first stacked layer and return nil; true restores the layer as it was
// built: see InputGradSwitch.
func (l *RecurrentLayer) SetInputGrad(on bool) { l.noInGrad = !on }

// SetCarry turns carrying the state from one Forward to the next on or
// off (see Recurrent); either way the state starts from zeros.
func (l *RecurrentLayer) SetCarry(on bool) { l.carry, l.carried = on, false }

// ResetState makes the next Forward start from zeros.
func (l *RecurrentLayer) ResetState() { l.carried = false }

// RecordStateGradients turns on or off the recording of StateGradients.
func (l *RecurrentLayer) RecordStateGradients(on bool) { l.record = on }

// StateGradients returns, after a Backward with recording on, the norm of
// the cost's gradient with respect to each layer's hidden state at each
// step: [layer][t], the state after step t (from 0).
func (l *RecurrentLayer) StateGradients() [][]float64 {
	out := make([][]float64, len(l.levels))
	for i, lv := range l.levels {
		out[i] = lv.norms
	}
	return out
}
