package web

import (
	"testing"

	"github.com/deepnet-go/deepnet/train"
)

// BenchmarkLiveOnBatch is the cost of Live's OnBatch hook per mini-batch
// of the relu network (training on MNIST, 5,000 mini-batches an epoch):
// a point is published every 100 calls.
func BenchmarkLiveOnBatch(b *testing.B) {
	live, err := NewLive(LiveConfig{Net: newNet(b, reluSpec, 10), Epochs: 1})
	if err != nil {
		b.Fatal(err)
	}
	for i := 0; b.Loop(); i++ {
		live.OnBatch(train.BatchInfo{Epoch: i / 5000, Batch: i % 5000, Batches: 5000, Cost: 0.1})
	}
}

// BenchmarkLiveOnEpoch is the cost of Live's OnEpoch hook for the relu
// network: the kernels copied, the weights copied into the twin, which
// classifies LiveMistakes digits for the mistakes.
func BenchmarkLiveOnEpoch(b *testing.B) {
	net := newNet(b, reluSpec, 100)
	d := synthetic(4000, 1).Train
	live, err := NewLive(LiveConfig{Net: net, Epochs: 1, Digits: &Digits{Images: d.Images, Labels: d.Labels}})
	if err != nil {
		b.Fatal(err)
	}
	for i := 0; b.Loop(); i++ {
		live.OnEpoch(train.Epoch{Epoch: i})
	}
}
