package nn

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/deepnet-go/deepnet/internal/gradcheck"
)

// softmaxLoss is the softmax of logits z and crossEntropyGrad of it, as
// SoftmaxLayer.CrossEntropy computes them after its fully-connected part.
type softmaxLoss struct {
	k int
	y []float32
}

func newSoftmaxLoss(n, k int) *softmaxLoss { return &softmaxLoss{k: k, y: make([]float32, n*k)} }

func (l *softmaxLoss) Forward(z []float32) { softmaxRows(z, l.y, l.k) }

func (l *softmaxLoss) LossGrad(labels []int, gz []float32, eps float64) float64 {
	return crossEntropyGrad(l.y, labels, eps, l.k, gz)
}

func (l *softmaxLoss) LossGradSoft(targets []float32, gz []float32) float64 {
	return crossEntropySoftGrad(l.y, targets, l.k, gz)
}

// TestLabelSmoothingLoss checks crossEntropyGrad's cost against a float64
// computation of PyTorch's CrossEntropyLoss(label_smoothing=ε), mean
// reduction, and its gradient against central differences of that cost.
func TestLabelSmoothingLoss(t *testing.T) {
	const n, k = 3, 5
	rng := rand.New(rand.NewPCG(7, 8))
	z := randSlice(rng, n*k, 2)
	labels := []int{4, 0, 2}
	l := newSoftmaxLoss(n, k)
	gz := make([]float32, n*k)
	for _, eps := range []float64{0, 0.1, 0.5} {
		want := 0.0
		for i := range n {
			row := z[i*k : (i+1)*k]
			var sum float64
			for _, v := range row {
				sum += math.Exp(float64(v))
			}
			for j, v := range row {
				target := eps / k
				if j == labels[i] {
					target += 1 - eps
				}
				want -= target * (float64(v) - math.Log(sum)) / n
			}
		}
		cost := func() float64 {
			l.Forward(z)
			return l.LossGrad(labels, gz, eps)
		}
		if got := cost(); math.Abs(got-want) > 1e-5 {
			t.Errorf("ε %v: cost %v, want %v", eps, got, want)
		}
		analytic := append([]float32(nil), gz...)
		if err := gradcheck.Compare("gz", analytic, gradcheck.Numeric(z, 1e-2, cost), 1e-2, 1e-3); err != nil {
			t.Errorf("ε %v: %v", eps, err)
		}
	}
}

func TestLabelSmoothingPanicsOutsideRange(t *testing.T) {
	l := newSoftmaxLoss(1, 2)
	l.Forward([]float32{0, 1})
	for _, eps := range []float64{-0.1, 1, math.NaN()} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("ε %v: no panic", eps)
				}
			}()
			l.LossGrad([]int{0}, make([]float32, 2), eps)
		}()
	}
}

// TestSoftTargetsLoss checks crossEntropySoftGrad: against LossGrad when the targets
// are the (smoothed) one-hot labels, and its gradient against central
// differences for targets that are a distribution over every class.
func TestSoftTargetsLoss(t *testing.T) {
	const n, k = 3, 4
	rng := rand.New(rand.NewPCG(9, 10))
	z := randSlice(rng, n*k, 2)
	labels := []int{1, 3, 0}
	l := newSoftmaxLoss(n, k)
	want, got := make([]float32, n*k), make([]float32, n*k)
	for _, eps := range []float64{0, 0.3} {
		targets := make([]float32, n*k)
		for i, lab := range labels {
			for j := range k {
				targets[i*k+j] = float32(eps / k)
			}
			targets[i*k+lab] += float32(1 - eps)
		}
		l.Forward(z)
		wantCost := l.LossGrad(labels, want, eps)
		gotCost := l.LossGradSoft(targets, got)
		if math.Abs(gotCost-wantCost) > 1e-6 {
			t.Errorf("ε %v: cost %v, LossGrad's %v", eps, gotCost, wantCost)
		}
		if err := gradcheck.Compare("gz", got, toFloat64(want), 1e-5, 1e-6); err != nil {
			t.Errorf("ε %v: against LossGrad: %v", eps, err)
		}
	}
	soft := randSlice(rng, n*k, 1)
	for i := range n { // rows of a softmax: positive, summing to 1
		row := soft[i*k : (i+1)*k]
		var s float32
		for j, v := range row {
			row[j] = float32(math.Exp(float64(v)))
			s += row[j]
		}
		for j := range row {
			row[j] /= s
		}
	}
	cost := func() float64 {
		l.Forward(z)
		return l.LossGradSoft(soft, got)
	}
	cost()
	analytic := append([]float32(nil), got...)
	if err := gradcheck.Compare("gz", analytic, gradcheck.Numeric(z, 1e-2, cost), 1e-2, 1e-3); err != nil {
		t.Error(err)
	}
}

func toFloat64(x []float32) []float64 {
	y := make([]float64, len(x))
	for i, v := range x {
		y[i] = float64(v)
	}
	return y
}
