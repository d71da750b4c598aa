package onnx

import (
	"github.com/deepnet-go/deepnet/nn"
	"github.com/deepnet-go/deepnet/onnx/internal/pb"
)

// exportConv writes conv as Conv with its weights [F][C][KH][KW] and
// biases, no padding.
func exportConv(e *exporter, l nn.Layer) error {
	s := l.Spec().(nn.ConvSpec)
	w := param(l, "weight")
	c := len(w) / (s.Maps * s.KH * s.KW)
	stride := int64(max(s.Stride, 1))
	wn, bn := e.floats("weight", w, s.Maps, c, s.KH, s.KW), e.floats("bias", param(l, "bias"), s.Maps)
	e.then("Conv", []string{wn, bn}, attrInts("kernel_shape", int64(s.KH), int64(s.KW)), attrInts("strides", stride, stride))
	return nil
}

// importConv reads a Conv without padding or dilation, of one group and
// a square stride.
func importConv(im *importer, n *node) error {
	if err := n.only("kernel_shape", "strides", "pads", "dilations", "group", "auto_pad"); err != nil {
		return err
	}
	if err := im.need(n, formImage); err != nil {
		return err
	}
	if err := windowAttrs(n, nil); err != nil {
		return err
	}
	if g := n.intAttr("group", 1); g != 1 {
		return formatErr(n.GetName(), "Conv of %d groups; deepnet's conv has one", g)
	}
	w, d, err := n.floats(n.arg(0))
	if err != nil {
		return err
	}
	if len(d) != 4 {
		return formatErr(n.GetName(), "Conv weight of dims %v; deepnet reads 2-d convolutions, [F][C][KH][KW]", d)
	}
	stride := n.intsAttr("strides")
	if len(stride) != 0 && (len(stride) != 2 || stride[0] != stride[1] || stride[0] < 1 || stride[0] > maxDim) {
		return formatErr(n.GetName(), "Conv strides %v; deepnet's conv takes one stride for both axes", stride)
	}
	if k := n.intsAttr("kernel_shape"); len(k) != 0 && (len(k) != 2 || k[0] != int64(d[2]) || k[1] != int64(d[3])) {
		return formatErr(n.GetName(), "Conv kernel_shape %v differs from its weight's dims %v", k, d)
	}
	spec := nn.ConvSpec{Maps: d[0], KH: d[2], KW: d[3], Stride: 1}
	if len(stride) == 2 {
		spec.Stride = int(stride[0])
	}
	b, err := optionalBias(n, n.arg(1), d[0])
	if err != nil {
		return err
	}
	return im.add(n, spec, map[string][]float32{"weight": w, "bias": b})
}

// optionalBias reads a bias of count values, or zeros when name is "".
func optionalBias(n *node, name string, count int) ([]float32, error) {
	if name == "" {
		return make([]float32, count), nil
	}
	b, _, err := n.floats(name)
	if err == nil && len(b) != count {
		err = formatErr(n.GetName(), "bias of %d values; the layer has %d outputs", len(b), count)
	}
	return b, err
}

// windowAttrs refuses padding, dilation, ceil_mode and auto_pad other than
// VALID; with kernel set, strides other than the kernel's (pooling).
func windowAttrs(n *node, kernel []int64) error {
	for _, p := range n.intsAttr("pads") {
		if p != 0 {
			return formatErr(n.GetName(), "%s with pads %v; deepnet's layer does not pad", n.GetOpType(), n.intsAttr("pads"))
		}
	}
	for _, d := range n.intsAttr("dilations") {
		if d != 1 {
			return formatErr(n.GetName(), "%s with dilations %v; deepnet's layer is not dilated", n.GetOpType(), n.intsAttr("dilations"))
		}
	}
	if a := string(n.attr("auto_pad").GetS()); a != "" && a != "NOTSET" && a != "VALID" {
		return formatErr(n.GetName(), "%s with auto_pad %s; deepnet's layer does not pad", n.GetOpType(), a)
	}
	if n.intAttr("ceil_mode", 0) != 0 {
		return formatErr(n.GetName(), "%s with ceil_mode 1; deepnet's pooling ignores the border", n.GetOpType())
	}
	if kernel != nil {
		if s := n.intsAttr("strides"); len(s) != 0 && (len(s) != 2 || s[0] != kernel[0] || s[1] != kernel[1]) {
			return formatErr(n.GetName(), "%s with strides %v and kernel %v; deepnet pools blocks that do not overlap", n.GetOpType(), s, kernel)
		}
	}
	return nil
}

// poolOps are the ONNX operators of deepnet's pools.
var poolOps = map[nn.PoolOp]string{nn.MaxPool: "MaxPool", nn.L2Pool: "LpPool", nn.AvgPool: "AveragePool"}

// exportPool writes maxpool, l2pool and avgpool as MaxPool, LpPool (p=2)
// and AveragePool with strides equal to the kernel.
func exportPool(e *exporter, l nn.Layer) error {
	s := l.Spec().(nn.PoolSpec)
	attrs := []*pb.AttributeProto{attrInts("kernel_shape", int64(s.KH), int64(s.KW)), attrInts("strides", int64(s.KH), int64(s.KW))}
	if s.Op == nn.L2Pool {
		attrs = append(attrs, attrInt("p", 2))
	}
	e.then(poolOps[s.Op], nil, attrs...)
	return nil
}

// importPool reads MaxPool, LpPool (p=2) and AveragePool over blocks that
// do not overlap.
func importPool(im *importer, n *node) error {
	if err := n.only("kernel_shape", "strides", "pads", "dilations", "auto_pad", "ceil_mode", "p", "count_include_pad", "storage_order"); err != nil {
		return err
	}
	if err := im.need(n, formImage); err != nil {
		return err
	}
	k := n.intsAttr("kernel_shape")
	if len(k) != 2 || k[0] < 1 || k[1] < 1 || k[0] > maxDim || k[1] > maxDim {
		return formatErr(n.GetName(), "%s with kernel_shape %v; deepnet pools 2-d blocks", n.GetOpType(), k)
	}
	if err := windowAttrs(n, k); err != nil {
		return err
	}
	var op nn.PoolOp
	for o, name := range poolOps {
		if name == n.GetOpType() {
			op = o
		}
	}
	if op == nn.L2Pool && n.intAttr("p", 2) != 2 {
		return formatErr(n.GetName(), "LpPool with p=%d; deepnet's l2pool is p=2", n.intAttr("p", 2))
	}
	return im.add(n, nn.PoolSpec{Op: op, KH: int(k[0]), KW: int(k[1])}, nil)
}
