package onnx

import (
	"strconv"

	"github.com/deepnet-go/deepnet/nn"
)

// activationOps are the ONNX operators of deepnet's activations.
var activationOps = map[string]string{"sigmoid": "Sigmoid", "tanh": "Tanh", "relu": "Relu"}

// exportActivation writes sigmoid, tanh and relu as Sigmoid, Tanh, Relu.
func exportActivation(e *exporter, l nn.Layer) error {
	e.then(activationOps[l.Spec().Kind()], nil)
	return nil
}

// importActivation reads Sigmoid, Tanh and Relu.
func importActivation(im *importer, n *node) error {
	if err := n.only(); err != nil {
		return err
	}
	for name, op := range activationOps {
		if op == n.GetOpType() {
			flat := im.flattened
			err := im.add(n, nn.ActivationSpec{Func: name}, nil)
			im.flattened = flat // an activation keeps the layout
			return err
		}
	}
	panic("onnx: importActivation of " + n.GetOpType())
}

// exportDropout writes inverted dropout (identity at inference) as
// Dropout with its ratio, and network3's, which scales by 1-P at
// inference, as Mul by 1-P.
func exportDropout(e *exporter, l nn.Layer) error {
	s := l.Spec().(nn.DropoutSpec)
	if s.ScaleAtInference {
		e.then("Mul", []string{e.scalar("keep", float32(1-s.P))})
		return nil
	}
	e.then("Dropout", []string{e.scalar("ratio", float32(s.P))})
	return nil
}

// importDropout reads Dropout (inference: identity) as dropout:P, P its
// ratio (0.5 when absent).
func importDropout(im *importer, n *node) error {
	if err := n.only("seed", "ratio"); err != nil {
		return err
	}
	p := float32(0.5)
	if a := n.attr("ratio"); a != nil { // before opset 12
		p = a.GetF()
	}
	if n.arg(0) != "" {
		v, _, err := n.floats(n.arg(0))
		if err != nil {
			return err
		}
		if len(v) != 1 {
			return formatErr(n.GetName(), "Dropout ratio of %d values", len(v))
		}
		p = v[0]
	}
	if n.arg(1) != "" {
		return formatErr(n.GetName(), "Dropout with a training_mode input; deepnet reads inference graphs")
	}
	if !(p >= 0 && p < 1) {
		return formatErr(n.GetName(), "Dropout ratio %v not in [0, 1)", p)
	}
	return im.keep(n, nn.DropoutSpec{P: round(float64(p))})
}

// importMul reads Mul by one number in (0, 1], network3's dropout at
// inference, as dropout:1-C:network3.
func importMul(im *importer, n *node) error {
	if err := n.only(); err != nil {
		return err
	}
	v, _, err := n.floats(n.arg(0))
	if err != nil {
		return err
	}
	if len(v) != 1 || !(v[0] > 0 && v[0] <= 1) {
		return formatErr(n.GetName(), "Mul by %d values; deepnet reads Mul by one number in (0, 1], network3's dropout at inference", len(v))
	}
	return im.keep(n, nn.DropoutSpec{P: round(1 - float64(v[0])), ScaleAtInference: true})
}

// keep adds a layer that keeps the layout (a flattened image stays one).
func (im *importer) keep(n *node, s nn.LayerSpec) error {
	flat := im.flattened
	err := im.add(n, s, nil)
	im.flattened = flat
	return err
}

// round returns p rounded to 7 significant digits: a float32 ratio as
// the decimal it was written from (0.2, not 0.20000000298).
func round(p float64) float64 {
	r, _ := strconv.ParseFloat(strconv.FormatFloat(p, 'g', 7, 64), 64)
	return r
}

// exportBatchNorm writes batchnorm as BatchNormalization with the running
// statistics, on images or [N][C] vectors.
func exportBatchNorm(e *exporter, l nn.Layer) error {
	c := len(param(l, "weight"))
	in := []string{e.floats("weight", param(l, "weight"), c), e.floats("bias", param(l, "bias"), c),
		e.floats("running_mean", param(l, "running_mean"), c), e.floats("running_var", param(l, "running_var"), c)}
	e.then("BatchNormalization", in, attrFloat("epsilon", 1e-5))
	return nil
}

// importBatchNorm reads BatchNormalization at inference with ε = 1e-5,
// deepnet's (PyTorch's default).
func importBatchNorm(im *importer, n *node) error {
	if err := n.only("epsilon", "momentum", "training_mode", "spatial"); err != nil {
		return err
	}
	if err := im.need(n, formImage, formFlat); err != nil {
		return err
	}
	if im.flattened && im.shape.H*im.shape.W != 1 {
		return formatErr(n.GetName(), "BatchNormalization of flattened images; deepnet's batchnorm of images is per feature map")
	}
	if eps := n.attr("epsilon"); eps != nil && eps.GetF() != 1e-5 {
		return formatErr(n.GetName(), "BatchNormalization with epsilon %v; deepnet's is 1e-05", eps.GetF())
	}
	if n.intAttr("training_mode", 0) != 0 || len(n.GetOutput()) > 1 {
		return formatErr(n.GetName(), "BatchNormalization in training mode; deepnet reads inference graphs")
	}
	params := map[string][]float32{}
	for i, name := range []string{"weight", "bias", "running_mean", "running_var"} {
		v, _, err := n.floats(n.arg(i))
		if err != nil {
			return err
		}
		params[name] = v
	}
	if err := im.keep(n, nn.BatchNormSpec{}); err != nil {
		return err
	}
	im.last().params = params
	return nil
}
