package nn

import (
	"testing"
)

// FuzzParseSpec feeds arbitrary text to ParseSpec: it must not panic; a
// spec it reads must write back to text it reads to the same spec; and
// a spec that Plan fits to MNIST-sized images within a small budget must
// build and run a batch.
func FuzzParseSpec(f *testing.F) {
	for _, s := range []string{
		reluSpec,
		"conv:32x3x3 batchnorm relu maxpool:2 dropout:0.4 fc:256 batchnorm relu dropout:0.4 softmax:10",
		"conv:8x3x3/2 l2pool:2x3 tanh avgpool:3 dropout:0.5:network3 fc:100:sigmoid fc:10:linear softmax:10",
		"fc:1000000 softmax:10", "conv:0x5x5", "dropout:1e309", "relu:3", ",, \t\n",
	} {
		f.Add(s)
	}
	in := Shape{C: 1, H: 28, W: 28}
	f.Fuzz(func(t *testing.T, text string) {
		spec, err := ParseSpec(text)
		if err != nil {
			if spec != nil {
				t.Fatal("a spec and an error")
			}
			return
		}
		again, err := ParseSpec(spec.String())
		if err != nil || !again.Equal(spec) {
			t.Fatalf("%q reads as %q, which reads as %v (%v)", text, spec, again, err)
		}
		plans, err := Plan(spec, in)
		if err != nil || MemoryOf(plans, 2).Total() > 16<<20 {
			return
		}
		net, err := New(Config{Spec: spec, In: in, MaxBatch: 2, Seed: 1})
		if err != nil {
			t.Fatalf("%q plans but does not build: %v", spec, err)
		}
		out := net.Forward(make([]float32, 2*in.Size()), 2, true)
		if len(out) != 2*net.OutShape().Size() {
			t.Fatalf("%q: %d outputs, want %d", spec, len(out), 2*net.OutShape().Size())
		}
	})
}
