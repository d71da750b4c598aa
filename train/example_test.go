package train_test

import (
	"fmt"

	"github.com/deepnet-go/deepnet/nn"
	"github.com/deepnet-go/deepnet/tensor"
	"github.com/deepnet-go/deepnet/train"
)

// Config.Optimizer names the optimiser; values left out are PyTorch's
// defaults.
func ExampleParseOptimizer() {
	for _, s := range []string{"sgd", "adam", "adam:0.9:0.98", "rmsprop:0.9", "adamw"} {
		spec, err := train.ParseOptimizer(s)
		if err != nil {
			fmt.Println(err)
			continue
		}
		fmt.Println(spec)
	}
	// Output:
	// sgd
	// adam:0.9:0.999:1e-08
	// adam:0.9:0.98:1e-08
	// rmsprop:0.9:1e-08
	// unknown optimiser "adamw" (valid: sgd, adam, adam:BETA1:BETA2:EPS, rmsprop, rmsprop:ALPHA:EPS)
}

// ClipGradNorm scales gradients whose norm, taken over all of them, is
// larger than the maximum.
func ExampleClipGradNorm() {
	w := &nn.Param{Value: tensor.New(2), Grad: tensor.From([]float32{3, 0}, 2)}
	b := &nn.Param{Value: tensor.New(1), Grad: tensor.From([]float32{4}, 1)}
	norm := train.ClipGradNorm([]*nn.Param{w, b}, 1)
	fmt.Printf("norm %g; gradients %.4f %.4f\n", norm, w.Grad.Data, b.Grad.Data)
	// Output:
	// norm 5; gradients [0.6000 0.0000] [0.8000]
}
