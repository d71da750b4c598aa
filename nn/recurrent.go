package nn

import (
	"fmt"
	"math"
	"math/rand/v2"
	"strconv"
	"strings"

	"github.com/deepnet-go/deepnet/internal/f32"
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
	levels   []*level
	n        int
	carry    bool
	carried  bool // the carried state is that of a batch of n
	record   bool
	task     stepsTask
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

// Forward: x [T][n][C] → the top layer's states [T][n][H] (seq) or its
// last state [n][H]. Each layer's input products for all T steps are one
// product; then the steps run in order, for blocks of examples (see
// blockRows) at a time in parallel (the examples' states do not depend on each
// other, and a block's results do not depend on the number of workers).
func (l *RecurrentLayer) Forward(x []float32, n int, train bool) []float32 {
	checkBatch(l.spec.Cell, n, l.maxBatch)
	if l.carried && n != l.n {
		panic(fmt.Sprintf("nn: %s: carrying the state of a batch of %d into a batch of %d", l.spec, l.n, n))
	}
	l.n = n
	t := l.in.T
	for _, lv := range l.levels {
		lv.inputProducts(x[:t*n*lv.in], t, n)
		lv.startState(n, l.carry && l.carried)
		l.task.run(lv, false, nil, false)
		x = lv.hs[n*lv.h : (t+1)*n*lv.h]
	}
	l.carried = l.carry
	if l.spec.Seq {
		return x
	}
	return x[(t-1)*n*l.spec.Hidden:]
}

// blockRows returns how many examples' steps run together on one worker,
// for a batch of n: 32 (the step's products are efficient from there), or
// 16 for batches of up to 32, so that two workers share them. It depends
// on n only, so that results do not depend on the number of workers.
func blockRows(n int) int {
	if n <= 32 {
		return 16
	}
	return 32
}

// blocks returns the number of blocks of a batch of n.
func blocks(n int) int { return (n + blockRows(n) - 1) / blockRows(n) }

// inputProducts sets a to x·Wᵀ + b (+ c, unless the cell needs U h + c
// apart), for the input x [T][n][in] of every step. It first writes Wᵀ
// and Uᵀ, which the products then read in place (the weights change
// between Forwards, not within one).
func (lv *level) inputProducts(x []float32, t, n int) {
	g := lv.c.gates * lv.h
	transposeMatrix(lv.W.Value.Data, lv.wt, g, lv.in)
	transposeMatrix(lv.U.Value.Data, lv.ut, g, lv.h)
	lv.x = x
	a := lv.a[:t*n*g]
	for r := 0; r < t*n; r++ {
		row := a[r*g : (r+1)*g]
		copy(row, lv.B.Value.Data)
		if !lv.c.hiddenGates {
			f32.Axpy(1, lv.C.Value.Data, row)
		}
	}
	f32.Gemm(false, false, t*n, g, lv.in, 1, x, lv.in, lv.wt, g, 1, a, g)
}

// transposeMatrix writes the rows×cols matrix m into t as cols×rows.
func transposeMatrix(m, t []float32, rows, cols int) {
	for i := 0; i < rows; i++ {
		for j, v := range m[i*cols : (i+1)*cols] {
			t[j*rows+i] = v
		}
	}
}

// startState sets the state before the first step: the carried one, or
// zeros.
func (lv *level) startState(n int, fromCarried bool) {
	h := lv.h
	if fromCarried {
		copy(lv.hs[:n*h], lv.h0[:n*h])
		if lv.cs != nil {
			copy(lv.cs[:n*h], lv.c0[:n*h])
		}
		return
	}
	clear(lv.hs[:n*h])
	if lv.cs != nil {
		clear(lv.cs[:n*h])
	}
}

// stepsTask runs a level's steps, forward or backward, for blocks of
// examples (f32.Task); it lives in the layer so that handing it to the
// workers allocates nothing.
type stepsTask struct {
	l        *RecurrentLayer
	lv       *level
	backward bool
	gy       []float32
	seq      bool
}

// run runs lv's steps over every block of the batch.
func (k *stepsTask) run(lv *level, backward bool, gy []float32, seq bool) {
	k.lv, k.backward, k.gy, k.seq = lv, backward, gy, seq
	f32.ParallelFor(blocks(k.l.n), k)
	k.lv, k.gy = nil, nil
}

// Run runs the blocks [lo, hi).
func (k *stepsTask) Run(lo, hi int) {
	n := k.l.n
	for b := lo; b < hi; b++ {
		r0, r1 := b*blockRows(n), min((b+1)*blockRows(n), n)
		if k.backward {
			k.lv.backwardSteps(k.l.in.T, n, r0, r1, b, k.gy, k.seq, k.l.record)
		} else {
			k.lv.forwardSteps(k.l.in.T, n, r0, r1)
		}
	}
}

// forwardSteps runs every step for the examples [r0, r1) and keeps their
// last state for carrying.
func (lv *level) forwardSteps(t, n, r0, r1 int) {
	h := lv.h
	for s := 0; s < t; s++ {
		lv.c.forward(lv, s, n, r0, r1)
	}
	copy(lv.h0[r0*h:r1*h], lv.hs[(t*n+r0)*h:(t*n+r1)*h])
	if lv.cs != nil {
		copy(lv.c0[r0*h:r1*h], lv.cs[(t*n+r0)*h:(t*n+r1)*h])
	}
}

// Backward: gy ([T][n][H] or [n][H]) → gx [T][n][C], through time within
// the window of the last Forward (the carried state is a constant).
func (l *RecurrentLayer) Backward(gy []float32) []float32 {
	t, n := l.in.T, l.n
	for i := len(l.levels) - 1; i >= 0; i-- {
		lv := l.levels[i]
		seq := l.spec.Seq || i < len(l.levels)-1
		l.task.run(lv, true, gy, seq)
		if l.record {
			lv.sumNorms(t, blocks(n))
		}
		gy = lv.weightGradients(t, n)
	}
	return gy
}

// backwardSteps runs the steps backwards for the examples [r0, r1) (block
// b) from gy, the gradient of the states (every step's when seq, else the
// last one's).
func (lv *level) backwardSteps(t, n, r0, r1, b int, gy []float32, seq, record bool) {
	g, h := lv.c.gates*lv.h, lv.h
	dh, dhPrev := lv.dh, lv.dhPrev
	clear(dh[r0*h : r1*h])
	if lv.dc != nil {
		clear(lv.dc[r0*h : r1*h])
	}
	if !seq {
		copy(dh[r0*h:r1*h], gy[r0*h:r1*h])
	}
	for s := t - 1; s >= 0; s-- {
		if seq {
			f32.Axpy(1, gy[(s*n+r0)*h:(s*n+r1)*h], dh[r0*h:r1*h])
		}
		if record {
			lv.normSq[b*t+s] = sumSquares(dh[r0*h : r1*h])
		}
		lv.c.backward(lv, s, n, r0, r1, dh, dhPrev)
		// dh of the step before: the cell's direct part, plus U's.
		f32.Gemm(false, false, r1-r0, h, g, 1, lv.dGh[(s*n+r0)*g:(s*n+r1)*g], g, lv.U.Value.Data, h, 1, dhPrev[r0*h:r1*h], h)
		dh, dhPrev = dhPrev, dh
	}
}

// sumNorms sets norms[s] from the blocks' sums of squares.
func (lv *level) sumNorms(t, nb int) {
	for s := range t {
		var sq float64
		for b := range nb {
			sq += lv.normSq[b*t+s]
		}
		lv.norms[s] = math.Sqrt(sq)
	}
}

// weightGradients computes the parameters' gradients from the gates'
// gradients of every step, and returns the input's gradient (nil when it
// is not needed).
func (lv *level) weightGradients(t, n int) []float32 {
	g, h, rows := lv.c.gates*lv.h, lv.h, t*n
	dA, dGh := lv.dA[:rows*g], lv.dGh[:rows*g]
	// The gradients' transposes, xᵀ·dA and hᵀ·dGh, read the long dA and
	// dGh in place and pack only the narrow x and h; wt and ut, free
	// until the next Forward, hold them.
	f32.Gemm(true, false, lv.in, g, rows, 1, lv.x, lv.in, dA, g, 0, lv.wt, g)
	transposeMatrix(lv.wt, lv.W.Grad.Data, lv.in, g)
	f32.Gemm(true, false, h, g, rows, 1, lv.hs[:rows*h], h, dGh, g, 0, lv.ut, g)
	transposeMatrix(lv.ut, lv.U.Grad.Data, h, g)
	sumRows(dA, g, lv.B.Grad.Data)
	sumRows(dGh, g, lv.C.Grad.Data)
	if lv.dx == nil {
		return nil
	}
	dx := lv.dx[:rows*lv.in]
	f32.Gemm(false, false, rows, lv.in, g, 1, dA, g, lv.W.Value.Data, lv.in, 0, dx, lv.in)
	return dx
}

// sumRows sets out to the sum of the rows of m, a matrix of len(out)
// columns, row after row.
func sumRows(m []float32, cols int, out []float32) {
	copy(out, m[:cols])
	for r := cols; r < len(m); r += cols {
		f32.Axpy(1, m[r:r+cols], out)
	}
}

// sumSquares returns Σ v², in float64.
func sumSquares(v []float32) float64 {
	var s float64
	for _, x := range v {
		s += float64(x) * float64(x)
	}
	return s
}
