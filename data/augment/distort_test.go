package augment

import (
	"bytes"
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/deepnet-go/deepnet/data"
	"github.com/deepnet-go/deepnet/data/mnist"
)

// img3 is the 3×3 image
//
//	1 2 3
//	4 5 6
//	7 8 9
var img3 = []uint8{1, 2, 3, 4, 5, 6, 7, 8, 9}

func TestShift(t *testing.T) {
	for _, c := range []struct {
		dy, dx int
		want   []uint8
	}{
		{0, 0, []uint8{1, 2, 3, 4, 5, 6, 7, 8, 9}},
		{1, 0, []uint8{0, 0, 0, 1, 2, 3, 4, 5, 6}},  // down
		{-1, 0, []uint8{4, 5, 6, 7, 8, 9, 0, 0, 0}}, // up
		{0, 1, []uint8{0, 1, 2, 0, 4, 5, 0, 7, 8}},  // right
		{0, -1, []uint8{2, 3, 0, 5, 6, 0, 8, 9, 0}}, // left
		{1, 1, []uint8{0, 0, 0, 0, 1, 2, 0, 4, 5}},
		{-2, -2, []uint8{9, 0, 0, 0, 0, 0, 0, 0, 0}},
		{3, 0, make([]uint8, 9)},
		{0, -3, make([]uint8, 9)},
		{0, 99, make([]uint8, 9)},
	} {
		dst := slices.Repeat([]uint8{0xee}, 9)
		Shift(dst, img3, 3, 3, c.dy, c.dx)
		if !bytes.Equal(dst, c.want) {
			t.Errorf("Shift(%d, %d) = %v, want %v", c.dy, c.dx, dst, c.want)
		}
	}
	// Non-square.
	dst := make([]uint8, 6)
	Shift(dst, []uint8{1, 2, 3, 4, 5, 6}, 2, 3, 1, -1)
	if !bytes.Equal(dst, []uint8{0, 0, 0, 2, 3, 0}) {
		t.Errorf("Shift on 2×3 = %v", dst)
	}
	if n := testing.AllocsPerRun(10, func() { Shift(dst, img3, 2, 3, 1, 1) }); n != 0 {
		t.Errorf("Shift allocates %v times", n)
	}
}

func TestExpand(t *testing.T) {
	s := data.NewSet(2, 3, 3)
	copy(s.Image(0), img3)
	for j := range s.Image(1) {
		s.Image(1)[j] = 10 + uint8(j)
	}
	s.Labels[0], s.Labels[1] = 4, 7
	// Before the shuffle: each image then down, up, right, left.
	ordered := expandInOrder(s, []int32{0, 1, 2, 3, 4, 5, 6, 7, 8, 9})
	want0 := [][]uint8{img3,
		{0, 0, 0, 1, 2, 3, 4, 5, 6}, {4, 5, 6, 7, 8, 9, 0, 0, 0},
		{0, 1, 2, 0, 4, 5, 0, 7, 8}, {2, 3, 0, 5, 6, 0, 8, 9, 0}}
	for k, w := range want0 {
		if !bytes.Equal(ordered.Image(k), w) || ordered.Labels[k] != 4 {
			t.Errorf("expanded %d = %v (label %d), want %v (4)", k, ordered.Image(k), ordered.Labels[k], w)
		}
	}
	if ordered.Labels[5] != 7 || !bytes.Equal(ordered.Image(5), s.Image(1)) || ordered.Image(6)[3] != 10 {
		t.Errorf("second image expanded wrongly: %v", ordered.Images[45:])
	}
	// Expand is that set shuffled by the seed, images with their labels.
	e := Expand(s, 42)
	if e.N != 10 || e.Check() != nil {
		t.Fatalf("Expand gives %v", e)
	}
	order := []int32{0, 1, 2, 3, 4, 5, 6, 7, 8, 9}
	rand.New(rand.NewPCG(42, ExpandStream)).Shuffle(10, func(i, j int) { order[i], order[j] = order[j], order[i] })
	for i, k := range order {
		if !bytes.Equal(e.Image(i), ordered.Image(int(k))) || e.Labels[i] != ordered.Labels[k] {
			t.Fatalf("Expand(42) example %d is not expanded example %d", i, k)
		}
	}
	if slices.Equal(order, []int32{0, 1, 2, 3, 4, 5, 6, 7, 8, 9}) {
		t.Error("seed 42 did not shuffle")
	}
	// Deterministic per seed; different seeds differ.
	if !bytes.Equal(Expand(s, 42).Images, e.Images) || bytes.Equal(Expand(s, 43).Images, e.Images) {
		t.Error("Expand is not a function of the seed")
	}
	if !bytes.Equal(s.Image(0), img3) {
		t.Error("Expand modified its input")
	}
}

func TestExpandReal(t *testing.T) {
	if testing.Short() {
		t.Skip("skipping real MNIST in -short mode")
	}
	m, err := mnist.LoadDefault("", nil)
	if err != nil {
		t.Fatal(err)
	}
	sub := m.Train.Subset(1000)
	e := Expand(sub, 1)
	if e.N != 5000 || e.Rows != 28 {
		t.Fatalf("Expand(1000 images) = %v", e)
	}
	var a, b [10]int
	for _, l := range sub.Labels {
		a[l] += 5
	}
	for _, l := range e.Labels {
		b[l]++
	}
	if a != b {
		t.Errorf("label counts %v, want %v", b, a)
	}
}

func TestRotate(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for _, n := range []int{5, 6, 28} {
		src := make([]uint8, n*n)
		for i := range src {
			src[i] = uint8(rng.IntN(256))
		}
		dst := make([]uint8, n*n)
		Rotate(dst, src, n, n, 0)
		if !bytes.Equal(dst, src) {
			t.Errorf("%d×%d: Rotate by 0 is not the identity", n, n)
		}
		// A quarter turn counterclockwise: dst[r][c] = src[c][n-1-r].
		Rotate(dst, src, n, n, math.Pi/2)
		for r := range n {
			for c := range n {
				if d := int(dst[r*n+c]) - int(src[c*n+n-1-r]); d < -1 || d > 1 {
					t.Fatalf("%d×%d: 90° rotation at (%d,%d) = %d, want %d", n, n, r, c, dst[r*n+c], src[c*n+n-1-r])
				}
			}
		}
		// Four quarter turns and a full turn give back the image.
		tmp := make([]uint8, n*n)
		copy(tmp, src)
		for range 4 {
			Rotate(dst, tmp, n, n, math.Pi/2)
			copy(tmp, dst)
		}
		Rotate(dst, src, n, n, 2*math.Pi)
		if !bytes.Equal(tmp, src) || !bytes.Equal(dst, src) {
			t.Errorf("%d×%d: full turns are not the identity", n, n)
		}
	}
	// A small rotation of a centred dot keeps its mass near the centre.
	src := make([]uint8, 49)
	src[24] = 200
	dst := make([]uint8, 49)
	Rotate(dst, src, 7, 7, 0.3)
	if dst[24] < 150 {
		t.Errorf("rotated centre pixel %d", dst[24])
	}
	if n := testing.AllocsPerRun(10, func() { Rotate(dst, src, 7, 7, 0.3) }); n != 0 {
		t.Errorf("Rotate allocates %v times", n)
	}
}

func TestElastic(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	src := make([]uint8, 28*28)
	for i := range src {
		src[i] = uint8(rng.IntN(256))
	}
	dst := make([]uint8, len(src))
	NewElastic(28, 28, 0, 4).Apply(dst, src, rng)
	if !bytes.Equal(dst, src) {
		t.Error("alpha 0 is not the identity")
	}
	e := NewElastic(28, 28, 34, 4)
	a, b := make([]uint8, len(src)), make([]uint8, len(src))
	e.Apply(a, src, rand.New(rand.NewPCG(9, 9)))
	e.Apply(b, src, rand.New(rand.NewPCG(9, 9)))
	if !bytes.Equal(a, b) {
		t.Error("same seed, different distortions")
	}
	if bytes.Equal(a, src) {
		t.Error("alpha 34 changed nothing")
	}
	e.Apply(b, src, rand.New(rand.NewPCG(9, 10)))
	if bytes.Equal(a, b) {
		t.Error("different seeds, same distortion")
	}
	// The smoothed field is small: with sigma 4 its values stay well
	// within alpha.
	for _, v := range e.dx {
		if math.Abs(v) > 34 {
			t.Fatalf("displacement %v larger than alpha", v)
		}
	}
	r := rand.New(rand.NewPCG(1, 1))
	if n := testing.AllocsPerRun(10, func() { e.Apply(a, src, r) }); n != 0 {
		t.Errorf("Elastic.Apply allocates %v times", n)
	}
}

func TestGaussian(t *testing.T) {
	k := gaussian(1, 100)
	sum := 0.0
	for _, v := range k {
		sum += v
	}
	if len(k) != 9 || math.Abs(sum-1) > 1e-12 || k[4] < k[3] || k[3] != k[5] {
		t.Errorf("gaussian(1) = %v", k)
	}
	if k := gaussian(10, 5); len(k) != 11 {
		t.Errorf("gaussian(10) capped at 5 has %d taps", len(k))
	}
}
