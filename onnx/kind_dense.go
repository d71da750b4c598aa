package onnx

import (
	"github.com/deepnet-go/deepnet/nn"
)

// exportDense writes fc:K as Gemm (transB=1) on [N][in], after a Flatten
// of images, or as MatMul by Wᵀ then Add of the bias on a sequence.
func exportDense(e *exporter, l nn.Layer) error {
	dense(e, l, l.Spec().(nn.DenseSpec).Units)
	return nil
}

// dense writes the fully-connected product of a layer of units outputs.
func dense(e *exporter, l nn.Layer, units int) {
	w, b := param(l, "weight"), param(l, "bias")
	in := len(w) / units
	switch e.form {
	case formSeq:
		wt := make([]float32, len(w))
		for o := range units {
			for i := range in {
				wt[i*units+o] = w[o*in+i]
			}
		}
		e.then("MatMul", []string{e.floats("weight_t", wt, in, units)})
		e.then("Add", []string{e.floats("bias", b, units)})
		return
	case formImage:
		e.then("Flatten", nil, attrInt("axis", 1))
		e.form = formFlat
	}
	e.then("Gemm", []string{e.floats("weight", w, units, in), e.floats("bias", b, units)}, attrInt("transB", 1))
}

// exportSoftmax writes softmax:K as fc:K's nodes and Softmax on the last
// axis.
func exportSoftmax(e *exporter, l nn.Layer) error {
	dense(e, l, l.Spec().(nn.SoftmaxSpec).Classes)
	e.then("Softmax", nil, attrInt("axis", -1))
	return nil
}

// importFlatten reads Flatten (axis 1) of images, which deepnet's
// fully-connected layer does itself, as nothing.
func importFlatten(im *importer, n *node) error {
	if err := n.only("axis"); err != nil {
		return err
	}
	if err := im.need(n, formImage, formFlat); err != nil {
		return err
	}
	if a := n.intAttr("axis", 1); a != 1 {
		return formatErr(n.GetName(), "Flatten on axis %d; deepnet flattens each example (axis 1)", a)
	}
	im.flattened = im.form() == formImage || im.flattened
	return nil
}

// importGemm reads Gemm(x, W, b) with alpha = beta = 1 on [N][in].
func importGemm(im *importer, n *node) error {
	if err := n.only("alpha", "beta", "transA", "transB"); err != nil {
		return err
	}
	if err := im.need(n, formFlat); err != nil {
		return err
	}
	for _, a := range []string{"alpha", "beta"} {
		if at := n.attr(a); at != nil && at.GetF() != 1 {
			return formatErr(n.GetName(), "Gemm with %s %v; deepnet's fc computes x·Wᵀ + b", a, at.GetF())
		}
	}
	if n.intAttr("transA", 0) != 0 {
		return formatErr(n.GetName(), "Gemm with transA; deepnet's fc reads examples as rows")
	}
	w, d, err := n.floats(n.arg(0))
	if err != nil {
		return err
	}
	if len(d) != 2 || d[0] < 1 || d[1] < 1 {
		return formatErr(n.GetName(), "Gemm weight of dims %v; deepnet reads a matrix", d)
	}
	units := d[0]
	if n.intAttr("transB", 0) == 0 {
		w, units = transpose(w, d[0], d[1]), d[1]
	}
	b, err := optionalBias(n, n.arg(1), units)
	if err != nil {
		return err
	}
	return im.add(n, nn.DenseSpec{Units: units}, map[string][]float32{"weight": w, "bias": b})
}

// importMatMul reads MatMul(x, Wᵀ) on [N][in] or [T][N][in] as fc, whose
// bias an Add right after gives.
func importMatMul(im *importer, n *node) error {
	if err := n.only(); err != nil {
		return err
	}
	if err := im.need(n, formFlat, formSeq); err != nil {
		return err
	}
	wt, d, err := n.floats(n.arg(0))
	if err != nil {
		return err
	}
	if len(d) != 2 || d[0] < 1 || d[1] < 1 {
		return formatErr(n.GetName(), "MatMul by dims %v; deepnet reads a matrix", d)
	}
	err = im.add(n, nn.DenseSpec{Units: d[1]}, map[string][]float32{"weight": transpose(wt, d[0], d[1]), "bias": make([]float32, d[1])})
	im.pending = pendBias
	return err
}

// importAdd reads the Add of a bias after MatMul.
func importAdd(im *importer, n *node) error {
	l := im.last()
	if im.pending != pendBias || l == nil {
		return formatErr(n.GetName(), "Add that is not the bias of a MatMul; deepnet reads no other")
	}
	im.pending = pendNone
	b, err := optionalBias(n, n.arg(0), l.spec.(nn.DenseSpec).Units)
	if err != nil {
		return err
	}
	l.params["bias"] = b
	return nil
}

// importSoftmax reads Softmax on the last axis after a fully-connected
// layer as softmax:K.
func importSoftmax(im *importer, n *node) error {
	if err := n.only("axis"); err != nil {
		return err
	}
	l := im.last()
	d, ok := nn.DenseSpec{}, false
	if l != nil {
		d, ok = l.spec.(nn.DenseSpec)
	}
	if !ok || im.flattened {
		return formatErr(n.GetName(), "Softmax that does not follow a fully-connected layer (Gemm, MatMul); deepnet's softmax:K is both")
	}
	last := int64(1)
	if im.form() == formSeq {
		last = 2
	}
	if a := n.intAttr("axis", im.softmaxAxis); a != -1 && a != last {
		return formatErr(n.GetName(), "Softmax on axis %d; deepnet's softmax is over the classes, the last axis", a)
	}
	l.spec = nn.SoftmaxSpec{Classes: d.Units}
	return im.plan(n, l)
}

// transpose returns the [c][r] transpose of the [r][c] matrix m.
func transpose(m []float32, r, c int) []float32 {
	t := make([]float32, len(m))
	for i := range r {
		for j := range c {
			t[j*r+i] = m[i*c+j]
		}
	}
	return t
}
