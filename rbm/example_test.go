package rbm_test

import (
	"context"
	"fmt"
	"math/rand/v2"

	"github.com/deepnet-go/deepnet/data"
	"github.com/deepnet-go/deepnet/nn"
	"github.com/deepnet-go/deepnet/rbm"
	"github.com/deepnet-go/deepnet/train"
)

// bars returns n 8×8 images of a horizontal bar, labelled by its row
// modulo 4.
func bars(n int, seed uint64) *data.Set {
	rng := rand.New(rand.NewPCG(seed, 1))
	s := data.NewSet(n, 8, 8)
	for i := range n {
		row := rng.IntN(8)
		for x := range 8 {
			s.Image(i)[row*8+x] = 255
		}
		s.Labels[i] = uint8(row % 4)
	}
	return s
}

// CD is a train.Objective: train.Fit trains an RBM with Hinton's recipe
// (momentum 0.5, then 0.9; weight cost 0.0002 as λ) and scores it by the
// pseudo-likelihood of the validation images after each epoch.
func ExampleNewCD() {
	splits := &data.Splits{Train: bars(1000, 1), Validation: bars(200, 2)}
	r, err := rbm.New(rbm.Config{Visible: 64, Hidden: 16, Seed: 1})
	if err != nil {
		panic(err)
	}
	tc, cd := rbm.Recipe(splits.Train.N) // Hinton's settings for 1,000 images
	tc.Epochs, tc.Batch, tc.Seed = 10, 20, 1
	tc.Lambda = rbm.LambdaOf(rbm.HintonWeightCost, splits.Train.N, tc.Batch)
	cd.Persistent = true // PCD-1
	obj, err := rbm.NewCD(r, rbm.ImageSets(splits), cd, tc)
	if err != nil {
		panic(err)
	}
	res, err := train.Fit(context.Background(), obj, tc)
	if err != nil {
		panic(err)
	}
	first, last := res.Epochs[0], res.Epochs[len(res.Epochs)-1]
	fmt.Println(obj.Metric().Name, "fell:", last.Validation < first.Validation)
	// Output:
	// pseudo_nll fell: true
}

// Hinton's weight cost is train's λ times the mini-batches of an epoch.
func ExampleLambdaOf() {
	fmt.Println(rbm.LambdaOf(rbm.HintonWeightCost, 50000, 100))
	// Output:
	// 0.1
}

// The partition function of a small RBM, exactly, and estimated by
// annealed importance sampling with its ±3σ band.
func ExampleAIS() {
	r, _ := rbm.New(rbm.Config{Visible: 64, Hidden: 10, Seed: 3})
	for i := range r.W.Value.Data {
		r.W.Value.Data[i] *= 30 // weights of about 0.3
	}
	exact, _ := rbm.ExactLogZ(r)
	base := rbm.BaseRate(rbm.Images{Set: bars(100, 1)})
	est, _ := rbm.AIS(r, base, rbm.AISConfig{Betas: 1000, Runs: 100, Seed: 1})
	fmt.Printf("exact log Z %.2f, within AIS's band: %v\n", exact, est.Low <= exact && exact <= est.High)
	// Output:
	// exact log Z 59.65, within AIS's band: true
}

// A deep belief net writes images of a label, and initialises a
// feed-forward network for fine-tuning with train.Run.
func ExampleDBN() {
	splits := &data.Splits{Train: bars(400, 1), Validation: bars(100, 2)}
	d, err := rbm.NewDBN(rbm.DBNConfig{Sizes: []int{64, 32, 32, 64}, Labels: 4, In: nn.Shape{C: 1, H: 8, W: 8}, Seed: 1})
	if err != nil {
		panic(err)
	}
	_, err = rbm.Greedy(context.Background(), d, splits, rbm.GreedyConfig{Layer: func(i int) (train.Config, rbm.CDConfig) {
		tc, cd := rbm.Recipe(400)
		tc.Epochs, tc.Batch, tc.Seed = 5, 20, uint64(i+1)
		return tc, cd
	}})
	if err != nil {
		panic(err)
	}
	images, _ := d.Generate(2, 4, 100, 1) // 4 images of label 2 after 100 Gibbs sweeps
	net, _ := d.Network(10, 0, 0)
	fmt.Println(len(images)/64, "images;", net.Spec)
	// Output:
	// 4 images; fc:32 sigmoid fc:32 sigmoid fc:64 sigmoid softmax:4
}
