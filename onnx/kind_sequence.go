package onnx

import (
	"slices"
	"strconv"
	"strings"

	"github.com/deepnet-go/deepnet/nn"
	"github.com/deepnet-go/deepnet/onnx/internal/pb"
)

// exportSequence writes rows and pixels: Reshape of [N][1][H][W] to
// [N][T][step], then Transpose to [T][N][step].
func exportSequence(e *exporter, l nn.Layer) error {
	out := l.OutShape()
	e.then("Reshape", []string{e.ints("shape", -1, int64(out.T), int64(out.Step()))})
	e.then("Transpose", nil, attrInts("perm", 1, 0, 2))
	e.form = formSeq
	return nil
}

// importReshape reads a Reshape of images to [N][C·H·W] (a Flatten) or,
// of one-channel images, to [N][H][W] or [N][H·W][1], the first half of
// rows or pixels.
func importReshape(im *importer, n *node) error {
	if err := n.only("allowzero"); err != nil {
		return err
	}
	if err := im.need(n, formImage, formFlat); err != nil {
		return err
	}
	s, err := n.ints(n.arg(0))
	if err != nil {
		return err
	}
	sh := im.shape
	size := int64(sh.Size())
	batch := len(s) > 0 && (s[0] == 0 || s[0] == -1)
	switch {
	case batch && len(s) == 2 && (s[1] == size || (s[1] == -1 && s[0] == 0)):
		im.flattened = im.form() == formImage || im.flattened
		return nil
	case batch && len(s) == 3 && !im.flattened && !sh.Flat && sh.C == 1 && s[1] == int64(sh.H) && s[2] == int64(sh.W):
		im.pending, im.reshape = pendReshape, nn.SequenceSpec{}
		return nil
	case batch && len(s) == 3 && !im.flattened && !sh.Flat && sh.C == 1 && s[1] == int64(sh.H*sh.W) && s[2] == 1:
		im.pending, im.reshape = pendReshape, nn.SequenceSpec{Pixels: true}
		return nil
	}
	return formatErr(n.GetName(), "Reshape of %s to %v; deepnet reads a flatten, or a one-channel image to its rows or pixels", sh, s)
}

// importTranspose reads the Transpose [N][T][step] → [T][N][step] after
// the Reshape of rows or pixels.
func importTranspose(im *importer, n *node) error {
	if err := n.only("perm"); err != nil {
		return err
	}
	if im.pending != pendReshape || !slices.Equal(n.intsAttr("perm"), []int64{1, 0, 2}) {
		return formatErr(n.GetName(), "Transpose with perm %v; deepnet reads only [N][T][step] → [T][N][step] after a Reshape to rows or pixels", n.intsAttr("perm"))
	}
	im.pending = pendNone
	return im.add(n, im.reshape, nil)
}

// recurrentOps are the ONNX operators of deepnet's cells, and their
// gates' order: ONNX's gate j is PyTorch's (and deepnet's) gate perm[j].
var recurrentOps = map[string]struct {
	op          string
	perm        []int
	activations []string
}{
	"rnn":  {"RNN", []int{0}, []string{"tanh"}},
	"lstm": {"LSTM", []int{0, 3, 1, 2}, []string{"sigmoid", "tanh", "tanh"}}, // i o f c ← i f g o
	"gru":  {"GRU", []int{1, 0, 2}, []string{"sigmoid", "tanh"}},             // z r h ← r z n
}

// exportRecurrent writes rnn, lstm and gru as one RNN, LSTM or GRU node per
// stacked layer, each followed by a Squeeze of Y ([T][1][N][H] → every
// step) or, for the top one without seq, of Y_h ([1][N][H] → the last).
func exportRecurrent(e *exporter, l nn.Layer) error {
	s := l.Spec().(nn.RecurrentSpec)
	c, h := recurrentOps[s.Cell], s.Hidden
	g := len(c.perm)
	layers := max(s.Layers, 1)
	for k := range layers {
		suffix := "_l" + strconv.Itoa(k)
		wih, whh := param(l, "weight_ih"+suffix), param(l, "weight_hh"+suffix)
		in := len(wih) / (g * h)
		b := append(gates(param(l, "bias_ih"+suffix), c.perm, h, 1), gates(param(l, "bias_hh"+suffix), c.perm, h, 1)...)
		args := []string{e.cur, e.floats("W", gates(wih, c.perm, h, in), 1, g*h, in),
			e.floats("R", gates(whh, c.perm, h, h), 1, g*h, h), e.floats("B", b, 1, 2*g*h)}
		attrs := []*pb.AttributeProto{attrInt("hidden_size", int64(h))}
		if s.Cell == "gru" {
			attrs = append(attrs, attrInt("linear_before_reset", 1))
		}
		if k == layers-1 && !s.Seq {
			outs := e.node(c.op, args, 2, attrs...)
			e.g.Node[len(e.g.Node)-1].Output[0] = ""
			e.cur = outs[1]
			e.then("Squeeze", []string{e.ints("axes", 0)})
			e.form = formFlat
			continue
		}
		e.cur = e.node(c.op, args, 1, attrs...)[0]
		e.then("Squeeze", []string{e.ints("axes", 1)})
	}
	return nil
}

// gates returns m, blocks of rows of h·cols values, with block j of the
// result block perm[j] of m.
func gates(m []float32, perm []int, h, cols int) []float32 {
	out := make([]float32, 0, len(m))
	for _, p := range perm {
		out = append(out, m[p*h*cols:(p+1)*h*cols]...)
	}
	return out
}

// importRecurrent reads RNN (tanh), LSTM (no peepholes) and GRU
// (linear_before_reset=1), forward, without initial states: a layer, or
// the next stacked layer of the one before when their nodes share a name
// prefix (one module).
func importRecurrent(im *importer, n *node) error {
	if err := n.only("hidden_size", "direction", "linear_before_reset", "activations", "layout", "input_forget"); err != nil {
		return err
	}
	if err := im.need(n, formSeq); err != nil {
		return err
	}
	var cell string
	for name, c := range recurrentOps {
		if c.op == n.GetOpType() {
			cell = name
		}
	}
	c, h := recurrentOps[cell], n.intAttr("hidden_size", 0)
	g := len(c.perm)
	switch {
	case h < 1 || h > maxDim:
		return formatErr(n.GetName(), "%s with hidden_size %d", n.GetOpType(), h)
	case string(n.attr("direction").GetS()) != "" && string(n.attr("direction").GetS()) != "forward":
		return formatErr(n.GetName(), "%s in direction %s; deepnet's run forward", n.GetOpType(), n.attr("direction").GetS())
	case n.intAttr("layout", 0) != 0 || n.intAttr("input_forget", 0) != 0:
		return formatErr(n.GetName(), "%s with layout or input_forget; deepnet reads [T][N][C] and no coupled gates", n.GetOpType())
	case cell == "gru" && n.intAttr("linear_before_reset", 0) != 1:
		return formatErr(n.GetName(), "GRU without linear_before_reset=1; deepnet's GRU is PyTorch's, which applies the reset gate after the product")
	case n.arg(3) != "" || n.arg(4) != "" || n.arg(5) != "" || n.arg(6) != "":
		return formatErr(n.GetName(), "%s with sequence lengths, initial states or peepholes; deepnet's start from zeros", n.GetOpType())
	}
	if a := n.attr("activations"); a != nil {
		for i, s := range a.GetStrings() {
			if i >= len(c.activations) || strings.ToLower(string(s)) != c.activations[i] {
				return formatErr(n.GetName(), "%s with activations %q; deepnet's are %v", n.GetOpType(), a.GetStrings(), c.activations)
			}
		}
	}
	hh := int(h)
	w, wd, err := n.floats(n.arg(0))
	if err != nil {
		return err
	}
	r, rd, err := n.floats(n.arg(1))
	if err != nil {
		return err
	}
	if len(wd) != 3 || wd[0] != 1 || wd[1] != g*hh || !slices.Equal(rd, []int{1, g * hh, hh}) {
		return formatErr(n.GetName(), "%s weights of dims %v and %v for hidden_size %d", n.GetOpType(), wd, rd, h)
	}
	b, err := optionalBias(n, n.arg(2), 2*g*hh)
	if err != nil {
		return err
	}
	inv := make([]int, g)
	for j, p := range c.perm {
		inv[p] = j
	}
	params := map[string][]float32{"weight_ih": gates(w, inv, hh, wd[2]), "weight_hh": gates(r, inv, hh, hh),
		"bias_ih": gates(b[:g*hh], inv, hh, 1), "bias_hh": gates(b[g*hh:], inv, hh, 1)}
	im.pending = pendRecurrent
	if l := im.last(); l != nil && l.group != "" && l.group == n.group() {
		if s, ok := l.spec.(nn.RecurrentSpec); ok && s.Cell == cell && s.Hidden == hh && s.Seq {
			k := strconv.Itoa(max(s.Layers, 1))
			s.Layers = max(s.Layers, 1) + 1
			l.spec = s
			for name, v := range params {
				l.params[name+"_l"+k] = v
			}
			return nil
		}
	}
	levels := map[string][]float32{}
	for name, v := range params {
		levels[name+"_l0"] = v
	}
	return im.add(n, nn.RecurrentSpec{Cell: cell, Hidden: hh, Layers: 1}, levels)
}

// importSqueeze reads the Squeeze after a recurrent node: of Y on axis 1
// (every step's state: seq) or of Y_h on axis 0 (the last step's).
func importSqueeze(im *importer, n *node) error {
	if err := n.only("axes"); err != nil {
		return err
	}
	l := im.last()
	if im.pending != pendRecurrent || l == nil {
		return formatErr(n.GetName(), "Squeeze that does not follow a recurrent node; deepnet reads no other")
	}
	axes := n.intsAttr("axes")
	if n.arg(0) != "" {
		var err error
		if axes, err = n.ints(n.arg(0)); err != nil {
			return err
		}
	}
	s := l.spec.(nn.RecurrentSpec)
	switch {
	case im.from == 0 && slices.Equal(axes, []int64{1}):
		s.Seq = true
	case im.from == 1 && slices.Equal(axes, []int64{0}):
		s.Seq = false
	default:
		return formatErr(n.GetName(), "Squeeze of output %d of the recurrent node on axes %v; deepnet reads Y on axis 1 or Y_h on axis 0", im.from, axes)
	}
	im.pending = pendNone
	l.spec = s
	return im.plan(n, l)
}
