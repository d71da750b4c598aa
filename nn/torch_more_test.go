package nn

import (
	"strings"
	"testing"
)

// Average pooling, batch normalisation and network3's dropout against
// PyTorch's float64 values (testdata/torch_layers.json, written by
// testdata/torch_layers.py).

func TestAvgPoolMatchesTorch(t *testing.T) {
	cases := loadTorchCases(t)
	for _, name := range []string{"avgpool_2x2_odd", "avgpool_2x3_odd"} {
		t.Run(name, func(t *testing.T) {
			c, ok := cases[name]
			if !ok {
				t.Fatalf("no case %s", name)
			}
			x, gy, k := c.Inputs["x"], c.Inputs["gy"], c.Inputs["kernel"]
			n, ch, h, w := x.Shape[0], x.Shape[1], x.Shape[2], x.Shape[3]
			l, err := NewPool(PoolSpec{Op: AvgPool, KH: int(k.Data[0]), KW: int(k.Data[1])}, Shape{C: ch, H: h, W: w}, n)
			if err != nil {
				t.Fatal(err)
			}
			if l.OutShape() != (Shape{C: ch, H: gy.Shape[2], W: gy.Shape[3]}) {
				t.Fatalf("out shape %v, PyTorch %v", l.OutShape(), gy.Shape)
			}
			ohw := gy.Shape[2] * gy.Shape[3]
			y := l.Forward(nchwToCNHW(x.F32(), n, ch, h*w), n, true)
			closeTo(t, "y", cnhwToNCHW(y, n, ch, ohw), c.Outputs["y"])
			gx := l.Backward(nchwToCNHW(gy.F32(), n, ch, ohw))
			closeTo(t, "gx", cnhwToNCHW(gx, n, ch, h*w), c.Outputs["gx"])
		})
	}
}

// TestBatchNormMatchesTorch checks training mode (the batch's statistics,
// and the running averages after the step) and inference mode (the running
// statistics), for images (per feature map) and flat vectors (per unit).
func TestBatchNormMatchesTorch(t *testing.T) {
	cases := loadTorchCases(t)
	for _, name := range []string{"batchnorm_images_train", "batchnorm_images_infer", "batchnorm_flat_train", "batchnorm_flat_infer"} {
		t.Run(name, func(t *testing.T) {
			c, ok := cases[name]
			if !ok {
				t.Fatalf("no case %s", name)
			}
			train := strings.HasSuffix(name, "_train")
			x, gy := c.Inputs["x"], c.Inputs["gy"]
			n, ch := x.Shape[0], x.Shape[1]
			in := Shape{C: ch, H: 1, W: 1, Flat: true}
			hw := 1
			if len(x.Shape) == 4 {
				in = Shape{C: ch, H: x.Shape[2], W: x.Shape[3]}
				hw = in.H * in.W
			}
			// Images travel as [C][N][H][W]; flat vectors as [N][F], as in PyTorch.
			toLayer, fromLayer := func(v []float32) []float32 { return v }, func(v []float32) []float32 { return v }
			if !in.Flat {
				toLayer = func(v []float32) []float32 { return nchwToCNHW(v, n, ch, hw) }
				fromLayer = func(v []float32) []float32 { return cnhwToNCHW(v, n, ch, hw) }
			}
			l := NewBatchNorm(in, n, "bn")
			copy(l.Gamma.Value.Data, c.Inputs["gamma"].F32())
			copy(l.Beta.Value.Data, c.Inputs["beta"].F32())
			copy(l.RunningMean.Value.Data, c.Inputs["running_mean"].F32())
			copy(l.RunningVar.Value.Data, c.Inputs["running_var"].F32())
			y := l.Forward(toLayer(x.F32()), n, train)
			closeTo(t, "y", fromLayer(y), c.Outputs["y"])
			closeTo(t, "running_mean", l.RunningMean.Value.Data, c.Outputs["running_mean"])
			closeTo(t, "running_var", l.RunningVar.Value.Data, c.Outputs["running_var"])
			gx := l.Backward(toLayer(gy.F32()))
			closeTo(t, "gx", fromLayer(gx), c.Outputs["gx"])
			closeTo(t, "ggamma", l.Gamma.Grad.Data, c.Outputs["ggamma"])
			closeTo(t, "gbeta", l.Beta.Grad.Data, c.Outputs["gbeta"])
		})
	}
}

// TestDropoutNetwork3MatchesTorch checks "dropout:P:network3" with PyTorch's
// mask (set through the test-only testMask): training keeps values
// unscaled, inference multiplies by 1-P, and both gradients.
func TestDropoutNetwork3MatchesTorch(t *testing.T) {
	c, ok := loadTorchCases(t)["dropout_network3"]
	if !ok {
		t.Fatal("no case dropout_network3")
	}
	x, gy, mask := c.Inputs["x"], c.Inputs["gy"], c.Inputs["mask"]
	n, f := x.Shape[0], x.Shape[1]
	l := NewDropout(DropoutSpec{P: c.Inputs["p"].Data[0], ScaleAtInference: true}, Shape{C: f, H: 1, W: 1, Flat: true}, n, 1, 2)
	l.testMask = mask.F32()
	closeTo(t, "y", l.Forward(x.F32(), n, true), c.Outputs["y"])
	closeTo(t, "gx", l.Backward(gy.F32()), c.Outputs["gx"])
	closeTo(t, "y_infer", l.Forward(x.F32(), n, false), c.Outputs["y_infer"])
	closeTo(t, "gx_infer", l.Backward(gy.F32()), c.Outputs["gx_infer"])
}
