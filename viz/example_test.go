package viz_test

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/deepnet-go/deepnet/nn"
	"github.com/deepnet-go/deepnet/viz"
)

// The kernels of a network's first convolutional layer, as Nielsen's
// figure: 20 kernels of 5×5 in two rows of ten, each weight 8×8 pixels.
func ExampleKernels() {
	spec, _ := nn.ParseSpec("conv:20x5x5 maxpool:2 relu fc:100:relu softmax:10")
	net, err := nn.New(nn.Config{Spec: spec, In: nn.Shape{C: 1, H: 28, W: 28}, MaxBatch: 1, Seed: 1})
	if err != nil {
		fmt.Println(err)
		return
	}
	conv := net.Layers[0].(*nn.ConvLayer)
	img := viz.Kernels(conv.W.Value, 8)
	fmt.Println(img.Bounds().Size())
	// Output: (444,92)
}

// What each layer makes of one input, and the class probabilities.
func ExampleFeatureMaps() {
	spec, _ := nn.ParseSpec("conv:4x5x5 maxpool:2 relu fc:10:relu softmax:10")
	net, err := nn.New(nn.Config{Spec: spec, In: nn.Shape{C: 1, H: 28, W: 28}, MaxBatch: 1, Seed: 1})
	if err != nil {
		fmt.Println(err)
		return
	}
	x := make([]float32, 28*28) // an image, [C][H][W], ink 1
	for i := 4; i < 24; i++ {
		x[i*28+14] = 1
	}
	img, err := viz.FeatureMaps(net, x)
	if err != nil {
		fmt.Println(err)
		return
	}
	acts, _ := viz.Activations(net, x)
	for _, a := range acts {
		fmt.Println(a.Layer, a.Spec, a.Shape)
	}
	fmt.Println(img.Bounds().Dx() > 0)
	// Output:
	// 0 conv:4x5x5 4×24×24
	// 1 maxpool:2 4×12×12
	// 2 relu 4×12×12
	// 3 fc:10 10
	// 4 relu 10
	// 5 softmax:10 10
	// true
}

// The confusion matrix of a three-class problem, written to a file.
func ExampleConfusion() {
	img := viz.Confusion([][]int{
		{97, 2, 1},
		{0, 99, 1},
		{3, 0, 97},
	})
	path := filepath.Join(os.TempDir(), "confusion-example.png")
	if err := viz.WritePNG(path, img); err != nil {
		fmt.Println(err)
		return
	}
	defer os.Remove(path)
	fmt.Println(img.Bounds().Size())
	// Output: (252,212)
}

// Validation and test accuracy per epoch of a training run.
func ExampleCurves() {
	img := viz.Curves([]viz.Series{
		{Name: "validation", Y: []float64{97.9, 98.6, 98.8, 99.0, 99.1}},
		{Name: "test", Y: []float64{97.8, 98.5, 98.9, 98.9, 99.0}},
	}, "accuracy (%)")
	fmt.Println(img.Bounds().Size())
	// Output: (720,440)
}

// The digits a network got wrong, with "true→predicted" under each.
func ExampleMisclassified() {
	images := make([]uint8, 3*28*28) // three 28×28 digits (blank here)
	img := viz.Misclassified(images, 28, 28, []int{4, 9, 3}, []int{4, 4, 5}, 0)
	fmt.Println(img.Bounds().Size())
	// Output: (140,92)
}
