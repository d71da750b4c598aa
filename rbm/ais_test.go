package rbm

import (
	"context"
	"math"
	"testing"

	"github.com/deepnet-go/deepnet/train"
)

func TestBetas(t *testing.T) {
	for _, k := range []int{3, 10, 100, 14500} {
		b := Betas(k)
		if len(b) != k+1 || b[0] != 0 || b[k] != 1 {
			t.Fatalf("Betas(%d): %d values from %v to %v", k, len(b), b[0], b[len(b)-1])
		}
		for i := 1; i < len(b); i++ {
			if !(b[i] > b[i-1]) {
				t.Fatalf("Betas(%d)[%d] = %v after %v", k, i, b[i], b[i-1])
			}
		}
	}
	b := Betas(14500)
	if b[500] != 0.5 || b[4500] != 0.9 || math.Abs(b[4501]-0.9-1e-5) > 1e-12 {
		t.Errorf("the paper's spacing: β500 %v, β4500 %v, β4501 %v", b[500], b[4500], b[4501])
	}
}

// TestAISSmall: on a random RBM small enough to sum, AIS lands within its
// ±3σ band of the exact log Z, and is a function of its seed.
func TestAISSmall(t *testing.T) {
	r := randomRBM(t, Config{Visible: 20, Hidden: 10, Seed: 1}, 0.5)
	exact, err := ExactLogZ(r)
	if err != nil {
		t.Fatal(err)
	}
	base := BaseRate(randomVectors(r, 50, 1))
	res, err := AIS(r, base, AISConfig{Betas: 1000, Runs: 100, Seed: 3})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("exact log Z %.4f; AIS %.4f in [%.4f, %.4f]", exact, res.LogZ, res.Low, res.High)
	if !(res.Low <= exact && exact <= res.High) || math.Abs(res.LogZ-exact) > 0.1 {
		t.Errorf("exact log Z %v outside AIS's band %v [%v, %v]", exact, res.LogZ, res.Low, res.High)
	}
	again, _ := AIS(r, base, AISConfig{Betas: 1000, Runs: 100, Seed: 3})
	if again.LogZ != res.LogZ {
		t.Errorf("the same seed: %v then %v", res.LogZ, again.LogZ)
	}
	if _, err := AIS(randomRBM(t, Config{Visible: 5, Hidden: 3, Gaussian: true}, 1), make([]float32, 5), AISConfig{}); err == nil {
		t.Error("AIS of Gaussian units: no error")
	}
}

// TestAISMNIST: an RBM of 12 hidden units trained for a few epochs on
// 3,000 binarised MNIST digits: AIS's estimate of log Z lands within its
// stated uncertainty of the exact value, and so does the test set's mean
// log-likelihood.
func TestAISMNIST(t *testing.T) {
	s := loadMNIST(t)
	sets := Sets{Train: Images{s.Train.Subset(3000)}, Validation: Images{s.Validation.Subset(1000)}}
	r, err := New(Config{Visible: 784, Hidden: 12, Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	tc, cd := Recipe(3000)
	tc.Epochs, tc.Seed = 5, 1
	cd.Binarize = Fixed
	o, err := NewCD(r, sets, cd, tc)
	if err != nil {
		t.Fatal(err)
	}
	res, err := train.Fit(context.Background(), o, tc)
	if err != nil {
		t.Fatal(err)
	}
	exact, err := ExactLogZ(r)
	if err != nil {
		t.Fatal(err)
	}
	ais, err := AIS(r, BaseRate(Binarize(sets.Train, 1)), AISConfig{Betas: 2000, Runs: 100, Seed: 2})
	if err != nil {
		t.Fatal(err)
	}
	test := Binarize(Images{s.Test.Subset(2000)}, 3)
	ll, low, high := ais.LogLikelihood(r, test)
	exactLL := MeanNegFreeEnergy(r, test) - exact
	t.Logf("pseudo-NLL %.2f → %.2f nats; log Z exact %.4f, AIS %.4f [%.4f, %.4f] (base %.2f); test log-likelihood exact %.3f, AIS %.3f [%.3f, %.3f]",
		res.Epochs[0].Validation, res.Epochs[len(res.Epochs)-1].Validation, exact, ais.LogZ, ais.Low, ais.High, ais.LogZBase, exactLL, ll, low, high)
	if !(ais.Low <= exact && exact <= ais.High) {
		t.Errorf("exact log Z %v outside AIS's band [%v, %v]", exact, ais.Low, ais.High)
	}
	if !(low <= exactLL && exactLL <= high) {
		t.Errorf("exact log-likelihood %v outside AIS's band [%v, %v]", exactLL, low, high)
	}
}

// TestAISStepsDoNotAllocate: annealing through four times as many
// distributions makes no more allocations: a step allocates nothing.
func TestAISStepsDoNotAllocate(t *testing.T) {
	r := randomRBM(t, Config{Visible: 30, Hidden: 20, Seed: 4}, 0.3)
	base := make([]float32, 30)
	allocs := func(k int) float64 {
		return testing.AllocsPerRun(2, func() {
			if _, err := AIS(r, base, AISConfig{Betas: k, Runs: 40, Seed: 1}); err != nil {
				t.Fatal(err)
			}
		})
	}
	if a, b := allocs(100), allocs(400); a != b {
		t.Errorf("%v allocations annealing through 100 distributions, %v through 400", a, b)
	}
}
