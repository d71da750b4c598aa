package rbm

import (
	"testing"

	"github.com/deepnet-go/deepnet/data"
	"github.com/deepnet-go/deepnet/nn"
	"github.com/deepnet-go/deepnet/train"
)

// benchStep times one CD step of a 784×500 RBM on mini-batches of 100
// MNIST-sized vectors (random grey levels: the time does not depend on
// them), the size of the RBMs and of scikit-learn's peer.
func benchStep(b *testing.B, cfg CDConfig) {
	s := data.NewSet(1000, 28, 28)
	for i := range s.N {
		img := s.Image(i)
		for j := range img {
			img[j] = uint8((i*31 + j*17) % 256)
		}
	}
	splits := &data.Splits{Train: s, Validation: s.Subset(100)}
	r, _ := New(Config{Visible: 784, Hidden: 500, Seed: 1})
	o, err := NewCD(r, ImageSets(splits), cfg, train.Config{Batch: 100, Seed: 1})
	if err != nil {
		b.Fatal(err)
	}
	idx := make([]int, 100)
	update := func([]*nn.Param) {}
	b.ResetTimer()
	for k := 0; k < b.N; k++ {
		for i := range idx {
			idx[i] = (k*100 + i) % s.N
		}
		o.Step(idx, update)
	}
	b.ReportMetric(float64(b.N*100)/b.Elapsed().Seconds(), "vectors/s")
}

func BenchmarkCD1Step(b *testing.B)  { benchStep(b, CDConfig{K: 1}) }
func BenchmarkPCD1Step(b *testing.B) { benchStep(b, CDConfig{K: 1, Persistent: true}) }
