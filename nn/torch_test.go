package nn

import (
	"math"
	"testing"

	"github.com/deepnet-go/deepnet/internal/torchref"
)

type (
	torchCase   = torchref.Case
	torchTensor = torchref.Tensor
)

func loadTorchCases(t *testing.T) map[string]torchCase {
	t.Helper()
	cases, err := torchref.Cases()
	if err != nil {
		t.Fatal(err)
	}
	return cases
}

// nchwToCNHW permutes [N][C][HW] to [C][N][HW]; cnhwToNCHW undoes it.
func nchwToCNHW(x []float32, n, c, hw int) []float32 {
	out := make([]float32, len(x))
	for i := 0; i < n; i++ {
		for j := 0; j < c; j++ {
			copy(out[(j*n+i)*hw:(j*n+i+1)*hw], x[(i*c+j)*hw:])
		}
	}
	return out
}

func cnhwToNCHW(x []float32, n, c, hw int) []float32 {
	out := make([]float32, len(x))
	for i := 0; i < n; i++ {
		for j := 0; j < c; j++ {
			copy(out[(i*c+j)*hw:(i*c+j+1)*hw], x[(j*n+i)*hw:])
		}
	}
	return out
}

// closeTo fails unless got matches want within 1e-5 relative (float32 math
// against float64 references).
func closeTo(t *testing.T, what string, got []float32, want torchTensor) {
	t.Helper()
	if len(got) != len(want.Data) {
		t.Fatalf("%s: %d values, want %d", what, len(got), len(want.Data))
	}
	for i, w := range want.Data {
		if d := math.Abs(float64(got[i]) - w); d > 1e-5*math.Max(1, math.Abs(w)) || math.IsNaN(float64(got[i])) {
			t.Fatalf("%s[%d] = %v, PyTorch %v", what, i, got[i], w)
		}
	}
}

func TestConvMatchesTorch(t *testing.T) {
	cases := loadTorchCases(t)
	for _, name := range []string{"conv_1to3_5x5", "conv_2to4_3x3_stride2", "conv_nielsen_3x3_image_2x2_kernel"} {
		t.Run(name, func(t *testing.T) {
			c := cases[name]
			x, w, b, gy := c.Inputs["x"], c.Inputs["w"], c.Inputs["b"], c.Inputs["gy"]
			n, ch, h, wd := x.Shape[0], x.Shape[1], x.Shape[2], x.Shape[3]
			f, kh, kw := w.Shape[0], w.Shape[2], w.Shape[3]
			oh, ow := gy.Shape[2], gy.Shape[3]
			stride := (h - kh) / (oh - 1)
			if oh == 1 {
				stride = 1
			}
			l, err := NewConv(ConvSpec{Maps: f, KH: kh, KW: kw, Stride: stride}, Shape{C: ch, H: h, W: wd}, n, true, "c")
			if err != nil {
				t.Fatal(err)
			}
			if l.OutShape() != (Shape{C: f, H: oh, W: ow}) {
				t.Fatalf("out shape %v", l.OutShape())
			}
			copy(l.W.Value.Data, w.F32())
			copy(l.B.Value.Data, b.F32())
			y := l.Forward(nchwToCNHW(x.F32(), n, ch, h*wd), n, true)
			closeTo(t, "y", cnhwToNCHW(y, n, f, oh*ow), c.Outputs["y"])
			gx := l.Backward(nchwToCNHW(gy.F32(), n, f, oh*ow))
			closeTo(t, "gx", cnhwToNCHW(gx, n, ch, h*wd), c.Outputs["gx"])
			closeTo(t, "gw", l.W.Grad.Data, c.Outputs["gw"])
			closeTo(t, "gb", l.B.Grad.Data, c.Outputs["gb"])
		})
	}
}

func TestPoolMatchesTorch(t *testing.T) {
	cases := loadTorchCases(t)
	for name, kind := range map[string]PoolOp{"maxpool_2x2_odd": MaxPool, "l2pool_2x2_odd": L2Pool, "maxpool_3x3": MaxPool} {
		t.Run(name, func(t *testing.T) {
			c := cases[name]
			x, gy := c.Inputs["x"], c.Inputs["gy"]
			n, ch, h, w := x.Shape[0], x.Shape[1], x.Shape[2], x.Shape[3]
			p := h / gy.Shape[2]
			l, err := NewPool(PoolSpec{Op: kind, KH: p, KW: p}, Shape{C: ch, H: h, W: w}, n)
			if err != nil {
				t.Fatal(err)
			}
			ohw := gy.Shape[2] * gy.Shape[3]
			y := l.Forward(nchwToCNHW(x.F32(), n, ch, h*w), n, true)
			closeTo(t, "y", cnhwToNCHW(y, n, ch, ohw), c.Outputs["y"])
			gx := l.Backward(nchwToCNHW(gy.F32(), n, ch, ohw))
			closeTo(t, "gx", cnhwToNCHW(gx, n, ch, h*w), c.Outputs["gx"])
		})
	}
}

func TestDenseMatchesTorch(t *testing.T) {
	c := loadTorchCases(t)["dense_7to5"]
	x, w, b, gy := c.Inputs["x"], c.Inputs["w"], c.Inputs["b"], c.Inputs["gy"]
	n, nin, nout := x.Shape[0], x.Shape[1], w.Shape[0]
	l := NewDense(DenseSpec{Units: nout}, Shape{C: nin, H: 1, W: 1, Flat: true}, n, true, "d")
	copy(l.W.Value.Data, w.F32())
	copy(l.B.Value.Data, b.F32())
	closeTo(t, "y", l.Forward(x.F32(), n, true), c.Outputs["y"])
	closeTo(t, "gx", l.Backward(gy.F32()), c.Outputs["gx"])
	closeTo(t, "gw", l.W.Grad.Data, c.Outputs["gw"])
	closeTo(t, "gb", l.B.Grad.Data, c.Outputs["gb"])
}

func TestActivationsMatchTorch(t *testing.T) {
	cases := loadTorchCases(t)
	for name, f := range map[string]string{"act_sigmoid": "sigmoid", "act_tanh": "tanh", "act_relu": "relu"} {
		t.Run(name, func(t *testing.T) {
			c := cases[name]
			x, gy := c.Inputs["x"], c.Inputs["gy"]
			l := NewActivation(ActivationSpec{Func: f}, Shape{C: x.Shape[1], H: 1, W: 1, Flat: true}, x.Shape[0])
			closeTo(t, "y", l.Forward(x.F32(), x.Shape[0], true), c.Outputs["y"])
			closeTo(t, "gx", l.Backward(gy.F32()), c.Outputs["gx"])
		})
	}
}

func TestSoftmaxLossMatchesTorch(t *testing.T) {
	c := loadTorchCases(t)["softmax_nll_mean"]
	z, lab := c.Inputs["z"], c.Inputs["labels"]
	n, k := z.Shape[0], z.Shape[1]
	y := make([]float32, n*k)
	softmaxRows(z.F32(), y, k)
	closeTo(t, "softmax", y, c.Outputs["softmax"])
	labels := make([]int, n)
	for i, v := range lab.Data {
		labels[i] = int(v)
	}
	gz := make([]float32, n*k)
	cost := crossEntropyGrad(y, labels, 0, k, gz)
	closeTo(t, "cost", []float32{float32(cost)}, c.Outputs["cost"])
	closeTo(t, "gz", gz, c.Outputs["gz"])
}
