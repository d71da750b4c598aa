package augment_test

import (
	"fmt"
	"math/rand/v2"

	"github.com/deepnet-go/deepnet/data"
	"github.com/deepnet-go/deepnet/data/augment"
)

func ExampleShift() {
	src := []uint8{
		1, 2, 3,
		4, 5, 6,
		7, 8, 9,
	}
	dst := make([]uint8, 9)
	augment.Shift(dst, src, 3, 3, 1, 0) // one pixel down
	fmt.Println(dst)
	augment.Shift(dst, src, 3, 3, 0, -1) // one pixel left
	fmt.Println(dst)
	// Output:
	// [0 0 0 1 2 3 4 5 6]
	// [2 3 0 5 6 0 8 9 0]
}

func ExampleExpand() {
	s := data.NewSet(2, 3, 3)
	s.Image(0)[4] = 9 // a dot in the centre
	s.Labels[0], s.Labels[1] = 1, 2
	e := augment.Expand(s, 1) // each image and its 4 one-pixel shifts, shuffled
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
	augment.Rotate(dst, src, 3, 3, 3.141592653589793/2) // a quarter turn counterclockwise
	fmt.Println(dst)
	// Output:
	// [3 6 9 2 5 8 1 4 7]
}

func ExampleAugmenter() {
	g := augment.New(augment.Config{MaxShift: 2, MaxRotate: 10, MaxScale: 0.1, ElasticAlpha: 34, ElasticSigma: 4}, 28, 28)
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
	e := augment.NewElastic(28, 28, 34, 4) // Simard et al.'s MNIST setting
	rng := rand.New(rand.NewPCG(1, 2))
	src := make([]uint8, 28*28)
	src[14*28+14] = 255
	dst := make([]uint8, 28*28)
	e.Apply(dst, src, rng) // reuses e's workspace: no allocation
	fmt.Println(len(dst))
	// Output:
	// 784
}

func ExampleParseViews() {
	views, err := augment.ParseViews("id,rotate:-5,shift:1:0+zoom:0.1")
	fmt.Println(len(views), err, augment.Plain(views))
	fmt.Println(augment.FormatViews(views))
	// Output:
	// 3 <nil> false
	// id,rotate:-5,shift:1:0+zoom:0.1
}
