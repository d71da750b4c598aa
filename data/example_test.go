package data_test

import (
	"bytes"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"

	"github.com/deepnet-go/deepnet/data"
)

func ExampleWriteIDXFile() {
	dir, _ := os.MkdirTemp("", "idx")
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "labels-idx1-ubyte.gz") // gzipped because of ".gz"
	err := data.WriteIDXFile(path, &data.IDX{Type: data.TypeUint8, Dims: []int{4}, Data: []byte{5, 0, 4, 1}})
	fmt.Println(err)
	x, err := data.ReadIDXFile(path)
	fmt.Println(x.Dims, x.Data, err)
	// Output:
	// <nil>
	// [4] [5 0 4 1] <nil>
}

func ExampleReadIDX() {
	// A header for 60000 images of 28×28 pixels, and only 3 bytes of them.
	in := []byte{0, 0, 8, 3, 0, 0, 0xea, 0x60, 0, 0, 0, 28, 0, 0, 0, 28, 1, 2, 3}
	_, err := data.ReadIDX(bytes.NewReader(in), "train-images-idx3-ubyte")
	fmt.Println(err)
	var fe *data.FormatError
	fmt.Println(errors.As(err, &fe), fe.Offset)
	// Output:
	// train-images-idx3-ubyte: offset 16: header claims 60000×28×28 = 47040000 bytes, file has 3
	// true 16
}

func ExampleLoadDefault() {
	// Finds MNIST in --data, $DEEPNET_DATA, the cache, a mirror or the Go
	// module proxy, verifies it and splits it as network3.py does.
	m, err := data.LoadDefault("", os.Stderr)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(m.Train, "/", m.Validation, "/", m.Test)
}

func ExampleSet_Batch() {
	s := data.NewSet(3, 2, 2)
	copy(s.Image(2), []uint8{0, 51, 102, 255})
	s.Labels[2] = 7
	x := make([]float32, 2*4) // a mini-batch of 2 images of 4 pixels
	y := make([]int, 2)
	idx := []int{2, 0}
	s.Batch(x, idx)
	s.LabelsOf(y, idx)
	fmt.Println(x, y)
	// Output:
	// [0 0.2 0.4 1 0 0 0 0] [7 0]
}

func ExampleShift() {
	src := []uint8{
		1, 2, 3,
		4, 5, 6,
		7, 8, 9,
	}
	dst := make([]uint8, 9)
	data.Shift(dst, src, 3, 3, 1, 0) // one pixel down
	fmt.Println(dst)
	data.Shift(dst, src, 3, 3, 0, -1) // one pixel left
	fmt.Println(dst)
	// Output:
	// [0 0 0 1 2 3 4 5 6]
	// [2 3 0 5 6 0 8 9 0]
}

func ExampleExpand() {
	s := data.NewSet(2, 3, 3)
	s.Image(0)[4] = 9 // a dot in the centre
	s.Labels[0], s.Labels[1] = 1, 2
	e := data.Expand(s, 1) // each image and its 4 one-pixel shifts, shuffled
	n := 0
	for _, l := range e.Labels {
		if l == 1 {
			n++
		}
	}
	fmt.Println(e.N, n)
	// Output:
	// 10 5
}

func ExampleRotate() {
	src := []uint8{
		1, 2, 3,
		4, 5, 6,
		7, 8, 9,
	}
	dst := make([]uint8, 9)
	data.Rotate(dst, src, 3, 3, 3.141592653589793/2) // a quarter turn counterclockwise
	fmt.Println(dst)
	// Output:
	// [3 6 9 2 5 8 1 4 7]
}

func ExampleAugmenter() {
	g := data.NewAugmenter(data.Augment{MaxShift: 2, MaxRotate: 10, MaxScale: 0.1, ElasticAlpha: 34, ElasticSigma: 4}, 28, 28)
	rng := rand.New(rand.NewPCG(1, 2)) // the seed fixes every distortion
	src := make([]uint8, 28*28)
	dst := make([]uint8, 28*28)
	for epoch := 0; epoch < 2; epoch++ {
		g.Apply(dst, src, rng) // a fresh distortion each time
	}
	fmt.Println(len(dst))
	// Output:
	// 784
}

func ExampleNewElastic() {
	e := data.NewElastic(28, 28, 34, 4) // Simard et al.'s MNIST setting
	rng := rand.New(rand.NewPCG(1, 2))
	src := make([]uint8, 28*28)
	src[14*28+14] = 255
	dst := make([]uint8, 28*28)
	e.Apply(dst, src, rng) // reuses e's workspace: no allocation
	fmt.Println(len(dst))
	// Output:
	// 784
}
