package web

import (
	"context"
	"math/rand/v2"
	"sync"
	"testing"

	"github.com/deepnet-go/deepnet/data"
	"github.com/deepnet-go/deepnet/data/mnist"
	"github.com/deepnet-go/deepnet/internal/nettest"
	"github.com/deepnet-go/deepnet/model"
	"github.com/deepnet-go/deepnet/nn"
	"github.com/deepnet-go/deepnet/train"
)

// trainedSpec is the small network the browser test trains.
const trainedSpec = "conv:8x5x5 maxpool:2 relu fc:32:relu softmax:10"

var trained struct {
	once sync.Once
	net  *nn.Network
	info *model.Info
	test *data.Set
	err  error
}

var mnistData struct {
	once sync.Once
	d    *data.Splits
	err  error
}

// mnistSubsets returns the first 5,000 training, 1,000 validation and
// 1,000 test images of MNIST, from the cache (fetched on first use); with
// -short the test is skipped.
func mnistSubsets(t testing.TB) *data.Splits {
	t.Helper()
	if testing.Short() {
		t.Skip("trains on MNIST; skipped with -short")
	}
	mnistData.once.Do(func() {
		d, err := mnist.LoadDefault("", nil)
		if err == nil {
			d.Train, d.Validation, d.Test = d.Train.Subset(5000), d.Validation.Subset(1000), d.Test.Subset(1000)
		}
		mnistData.d, mnistData.err = d, err
	})
	if mnistData.err != nil {
		t.Fatal(mnistData.err)
	}
	return mnistData.d
}

// newTrainable builds trainedSpec with He's initialisation.
func newTrainable(t testing.TB) *nn.Network {
	t.Helper()
	spec, err := nn.ParseSpec(trainedSpec)
	if err != nil {
		t.Fatal(err)
	}
	net, err := nn.New(nn.Config{Spec: spec, In: nettest.MNIST, MaxBatch: 100, Seed: 1, Init: "he"})
	if err != nil {
		t.Fatal(err)
	}
	return net
}

// trainedNet returns a small network trained on the first 5,000 MNIST
// images for two epochs (about 95% right; a second or two), with its info
// and the first 1,000 test digits. MNIST comes from the cache (fetched on
// first use); with -short the test is skipped.
func trainedNet(t testing.TB) (*nn.Network, *model.Info, *data.Set) {
	t.Helper()
	d := mnistSubsets(t)
	trained.once.Do(func() {
		net := newTrainable(t)
		cfg := train.Config{Epochs: 2, Batch: 10, Eta: 0.01, Momentum: 0.9, Seed: 1, KeepBest: true}
		res, err := train.Run(context.Background(), net, d, cfg)
		if err != nil {
			trained.err = err
			return
		}
		trained.net, trained.test = net, d.Test
		trained.info = &model.Info{Epochs: cfg.Epochs, Eta: cfg.Eta, Momentum: cfg.Momentum, BatchSize: cfg.Batch, Data: "mnist-5000",
			BestEpoch: res.BestEpoch + 1, ValidationAccuracy: res.BestValidation, TestAccuracy: res.TestAtBest}
	})
	if trained.err != nil {
		t.Fatal(trained.err)
	}
	return trained.net, trained.info, trained.test
}

// synthetic returns splits of random images whose label is the brightest
// quarter of the image, which a small network learns a little of.
func synthetic(n int, seed uint64) *data.Splits {
	rng := rand.New(rand.NewPCG(seed, 1))
	set := func(n int) *data.Set {
		s := data.NewSet(n, 28, 28)
		for i := range n {
			label := rng.IntN(4)
			img := s.Image(i)
			for p := range img {
				v := rng.IntN(128)
				if (p/28 >= 14) == (label >= 2) && (p%28 >= 14) == (label%2 == 1) {
					v += 100
				}
				img[p] = uint8(v)
			}
			s.Labels[i] = uint8(label)
		}
		return s
	}
	return &data.Splits{Train: set(n), Validation: set(n / 4), Test: set(n / 4)}
}
