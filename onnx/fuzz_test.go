package onnx

import (
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"
)

// FuzzImport: Decode never panics, and a network it builds runs. Options
// bound the network's memory (and so its work: a network of 4 MB runs
// in milliseconds); the file's size bounds everything else. Run it with
// a short minimisation, or the fuzzing engine spends minutes minimising
// each new input of several KB and reports no executions meanwhile:
//
//	go test -run '^$' -fuzz FuzzImport -fuzztime 2m -fuzzminimizetime 1x ./onnx
func FuzzImport(f *testing.F) {
	for _, spec := range []string{"conv:2x3x3 maxpool:2 relu fc:5 batchnorm dropout:0.5:network3 softmax:3",
		"rows gru:3x2:seq lstm:2 dropout:0.2 softmax:2", "l2pool:4 avgpool:2 sigmoid rows rnn:2 fc:2 tanh"} {
		b, err := Encode(randomNet(f, spec, 1), map[string]string{"seed": "1"})
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	if b, err := os.ReadFile(filepath.Join("testdata", "torch_mnist.onnx")); err == nil {
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		m, err := Decode(b, Options{MaxBatch: 2, MaxMemory: 4 << 20})
		if err != nil {
			return
		}
		m.Net.Forward(make([]float32, m.Net.In.Size()), 1, false)
	})
}

// TestImportMutations runs Decode on 3,000 copies of exported networks
// with a few bytes changed, each under a watchdog: none panics, none
// takes more than 5 seconds, and what decodes runs.
func TestImportMutations(t *testing.T) {
	var seeds [][]byte
	for _, spec := range []string{"conv:2x3x3 maxpool:2 relu fc:5 batchnorm dropout:0.5:network3 softmax:3", "rows gru:3x2:seq lstm:2 dropout:0.2 softmax:2"} {
		b, err := Encode(randomNet(t, spec, 1), nil)
		if err != nil {
			t.Fatal(err)
		}
		seeds = append(seeds, b)
	}
	rng := rand.New(rand.NewPCG(1, 2))
	decoded := 0
	for i := range 3000 {
		b := slices.Clone(seeds[i%len(seeds)])
		for range 1 + rng.IntN(4) {
			b[rng.IntN(len(b))] = byte(rng.IntN(256))
		}
		done := make(chan bool)
		go func() {
			defer close(done)
			if m, err := Decode(b, Options{MaxBatch: 2, MaxMemory: 4 << 20}); err == nil {
				m.Net.Forward(make([]float32, m.Net.In.Size()), 1, false)
				decoded++
			}
		}()
		select {
		case <-done:
		case <-time.After(5 * time.Second):
			t.Fatalf("Decode of mutation %d took more than 5 s", i)
		}
	}
	t.Logf("%d of 3000 mutations decode", decoded)
}
