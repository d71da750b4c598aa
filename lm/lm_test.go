package lm

import (
	"bytes"
	"context"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/deepnet-go/deepnet/data/text"
	"github.com/deepnet-go/deepnet/internal/nettest"
	"github.com/deepnet-go/deepnet/nn"
	"github.com/deepnet-go/deepnet/train"
)

const spec = "embed:256x16 lstm:32:seq softmax:256"

func charModel(t *testing.T, seq, batch int) *nn.Network {
	return nettest.New(t, spec, nn.Shape{C: 1, H: 1, W: 1, Flat: true, T: seq}, batch, 1)
}

// TestLearnsARepeatedText: a short text repeated is learnt within a few
// epochs (its bits per character fall far below the 8 of a byte drawn at
// random), and the model then writes it back.
func TestLearnsARepeatedText(t *testing.T) {
	c, err := text.Split("abc", []byte(strings.Repeat("the cat sat on the mat. ", 200)))
	if err != nil {
		t.Fatal(err)
	}
	net := charModel(t, 12, 8)
	obj, err := NewObjective(net, c, train.Config{Batch: 8})
	if err != nil {
		t.Fatal(err)
	}
	res, err := train.Fit(context.Background(), obj, train.Config{Epochs: 8, Batch: 8, Eta: 0.5, Momentum: 0.9, Seed: 1, KeepBest: true})
	if err != nil {
		t.Fatal(err)
	}
	first, best := res.Epochs[0].Validation, res.BestValidation
	if !(best < 0.5) || !(best < first) || res.Epochs[0].Metric != "bits_per_char" {
		t.Fatalf("bits per character %v after the first epoch, best %v: want well below 1", first, best)
	}
	s, err := NewSampler(net)
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	err = s.Generate([]byte("the cat sat "), 24, 0.1, rand.New(rand.NewPCG(1, 1)), func(b byte) error { return out.WriteByte(b) })
	if err != nil || !strings.Contains("the cat sat on the mat. the cat sat on the mat.", out.String()) {
		t.Errorf("sampled %q (%v), want the text's continuation", out.String(), err)
	}
}

// TestObjectiveChecks: a network that is not a character model, and a
// text too short for the rows and window, are errors that say so.
func TestObjectiveChecks(t *testing.T) {
	c, _ := text.Split("short", []byte(strings.Repeat("x", 100)))
	if _, err := NewObjective(charModel(t, 12, 8), c, train.Config{Batch: 8}); err == nil || !strings.Contains(err.Error(), "too short for 8 rows of 12+1 bytes") {
		t.Errorf("short text: %v", err)
	}
	img := nettest.New(t, "fc:10 softmax:10", nettest.MNIST, 1, 1)
	if _, err := NewObjective(img, c, train.Config{Batch: 1}); err == nil || !strings.Contains(err.Error(), "not a character model") {
		t.Errorf("image classifier: %v", err)
	}
	if _, err := NewSampler(img); err == nil {
		t.Error("NewSampler took an image classifier")
	}
}

// BenchmarkCharModelStep is one training step of the peer's character
// model (an embedding, two LSTM layers of 256 units, 256 classes) on 32
// rows of 100 bytes; it reports characters per second.
func BenchmarkCharModelStep(b *testing.B) {
	raw := bytes.Repeat([]byte("The quick brown fox jumps over the lazy dog. "), 2000)
	c, err := text.Split("fox", raw)
	if err != nil {
		b.Fatal(err)
	}
	net := nettest.New(b, "embed:256x256 lstm:256x2:seq softmax:256", nn.Shape{C: 1, H: 1, W: 1, Flat: true, T: 100}, 32, 1)
	cfg := train.Config{Epochs: 1, Batch: 32, Eta: 0.001}
	obj, err := NewObjective(net, c, cfg)
	if err != nil {
		b.Fatal(err)
	}
	t, err := train.NewTrainer(obj, cfg)
	if err != nil {
		b.Fatal(err)
	}
	idx := make([]int, 32)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		w := i % obj.trainRows.windows
		for j := range idx {
			idx[j] = w*32 + j
		}
		t.Step(idx, cfg.Eta)
	}
	b.ReportMetric(float64(b.N*32*100)/b.Elapsed().Seconds(), "chars/s")
}
