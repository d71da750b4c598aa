package main

import (
	"fmt"
	"io"
	"math/rand/v2"
	"time"

	"github.com/deepnet-go/deepnet/internal/atomicfile"
	"github.com/deepnet-go/deepnet/nn"
	"github.com/deepnet-go/deepnet/onnx"
)

// inferBatches are the batch sizes bench --infer times: one image at a
// time (a server answering one request), and 64.
var inferBatches = []int{1, 64}

// timeInference times inference (Forward with train false) of the network
// netCfg describes, with random weights, on 28×28 images: 20 batches to
// warm up, then --images images (whole batches, at least one) at each of
// inferBatches. With --onnx it first writes the same network as ONNX, for
// onnx/testdata/ort/bench.js to time in ONNX Runtime.
func (b *benchCmd) timeInference(netCfg nn.Config, stdout io.Writer) error {
	netCfg.In = nn.Shape{C: 1, H: 28, W: 28}
	netCfg.MaxBatch = inferBatches[len(inferBatches)-1]
	netCfg.MaxMemory = memoryLimit
	net, err := nn.New(netCfg)
	if err != nil {
		return err
	}
	if err := net.CheckClassifier(); err != nil {
		return err
	}
	if *b.onnx != "" {
		bytes, err := onnx.Encode(net, map[string]string{"spec": net.Spec.String()})
		if err != nil {
			return err
		}
		if err := makeParent(*b.onnx); err != nil {
			return err
		}
		if err := atomicfile.Write(*b.onnx, func(w io.Writer) error { _, err := w.Write(bytes); return err }); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "wrote %s\n", *b.onnx)
	}
	rng := rand.New(rand.NewPCG(netCfg.Seed, 1))
	x := make([]float32, netCfg.MaxBatch*net.In.Size())
	for i := range x {
		x[i] = rng.Float32()
	}
	for _, batch := range inferBatches {
		for range 20 {
			net.Forward(x, batch, false)
		}
		steps := max(*b.images/batch, 1)
		start := time.Now()
		for range steps {
			net.Forward(x, batch, false)
		}
		sec := time.Since(start).Seconds()
		fmt.Fprintf(stdout, "deepnet infer net=%q batch=%d images=%d seconds=%.2f\n", net.Spec, batch, steps*batch, sec)
		fmt.Fprintf(stdout, "infer_batch%d_images_per_sec %.0f\n", batch, float64(steps*batch)/sec)
	}
	return nil
}
