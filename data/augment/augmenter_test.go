package augment

import (
	"bytes"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/deepnet-go/deepnet/data"
)

func TestConfigValidate(t *testing.T) {
	for _, a := range []Config{{MaxShift: -1}, {MaxRotate: -1}, {MaxRotate: 200}, {MaxScale: -0.1}, {MaxScale: 1},
		{ElasticAlpha: -1, ElasticSigma: 4}, {ElasticAlpha: 34}, {ElasticAlpha: 1, ElasticSigma: -1}} {
		if a.Validate() == nil {
			t.Errorf("%+v validates", a)
		}
	}
	if (Config{}).Enabled() || !(Config{MaxShift: 1}).Enabled() || !(Config{MaxScale: 0.1}).Enabled() {
		t.Error("Enabled is wrong")
	}
	defer func() {
		if r := recover(); r == nil || !strings.Contains(r.(string), "augment.New") {
			t.Errorf("New of a bad Config: recovered %v", r)
		}
	}()
	New(Config{MaxShift: -2}, 28, 28)
}

func TestAugmenter(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	s := data.NewSet(4, 28, 28)
	for i := range s.Images {
		s.Images[i] = uint8(rng.IntN(256))
	}
	src := s.Image(0)
	dst := make([]uint8, len(src))
	// The zero Config copies.
	New(Config{}, 28, 28).Apply(dst, src, rng)
	if !bytes.Equal(dst, src) {
		t.Error("zero Config changed the image")
	}
	// Shift only: the result is one of the allowed shifts.
	g := New(Config{MaxShift: 2}, 28, 28)
	seen := map[[2]int]bool{}
	for range 200 {
		g.Apply(dst, src, rng)
		found := false
		want := make([]uint8, len(src))
		for dy := -2; dy <= 2 && !found; dy++ {
			for dx := -2; dx <= 2 && !found; dx++ {
				Shift(want, src, 28, 28, dy, dx)
				if bytes.Equal(dst, want) {
					found, seen[[2]int{dy, dx}] = true, true
				}
			}
		}
		if !found {
			t.Fatal("MaxShift 2 gave an image that is no shift of at most 2")
		}
	}
	if len(seen) != 25 {
		t.Errorf("saw %d of the 25 shifts", len(seen))
	}
	// Everything on: deterministic per seed, and no allocation.
	all := New(Config{MaxShift: 2, MaxRotate: 15, MaxScale: 0.1, ElasticAlpha: 34, ElasticSigma: 4}, 28, 28)
	a, b := make([]uint8, len(src)), make([]uint8, len(src))
	all.Apply(a, src, rand.New(rand.NewPCG(7, 7)))
	all.Apply(b, src, rand.New(rand.NewPCG(7, 7)))
	if !bytes.Equal(a, b) || bytes.Equal(a, src) {
		t.Error("augmentation is not a function of the seed")
	}
	batch := make([]float32, 3*784)
	idx := []int{3, 1, 2}
	if n := testing.AllocsPerRun(5, func() { all.Batch(batch, s, idx, rng) }); n != 0 {
		t.Errorf("Augmenter.Batch allocates %v times", n)
	}
	// Batch with the zero Config equals Set.Batch.
	want := make([]float32, len(batch))
	s.Batch(want, idx)
	New(Config{}, 28, 28).Batch(batch, s, idx, rng)
	for i := range want {
		if batch[i] != want[i] {
			t.Fatalf("Batch differs from Set.Batch at %d", i)
		}
	}
}

// TestZoom checks the zoom about the centre: at scale 2 the pixel one row
// and two columns from the centre of a 9×9 image moves to two rows and four
// columns from it; at scale 0.5 it comes back; and Apply's random scale
// stays within its bounds (the ink's extent grows or shrinks by at most
// MaxScale).
func TestZoom(t *testing.T) {
	src, dst, back := make([]uint8, 81), make([]uint8, 81), make([]uint8, 81)
	src[5*9+6] = 200
	affine(dst, src, 9, 9, 0, 2, 0, 0)
	if dst[6*9+8] != 200 {
		t.Errorf("scale 2: pixel (6,8) is %d, want 200", dst[6*9+8])
	}
	affine(back, dst, 9, 9, 0, 0.5, 0, 0)
	if back[5*9+6] != 200 {
		t.Errorf("scale 2 then 0.5: pixel (5,6) is %d, want 200", back[5*9+6])
	}
	// A bar over rows 10 to 17 and columns 4 to 23 of a 28×28 image (centre
	// 13.5): its width 20 along the middle rows becomes at most 20·1.25 and
	// at least 20·0.75 pixels, and both bigger and smaller ones occur.
	bar := make([]uint8, 784)
	for r := 10; r < 18; r++ {
		for c := 4; c < 24; c++ {
			bar[r*28+c] = 255
		}
	}
	g := New(Config{MaxScale: 0.25}, 28, 28)
	img := make([]uint8, 784)
	rng := rand.New(rand.NewPCG(3, 4))
	wider, narrower := false, false
	for range 100 {
		g.Apply(img, bar, rng)
		w := 0.0
		for c := range 28 {
			w += float64(img[13*28+c]) + float64(img[14*28+c])
		}
		w /= 2 * 255
		if w < 20*0.75-0.6 || w > 20*1.25+0.6 {
			t.Fatalf("zoomed bar is %.2f pixels wide, want 15 to 25", w)
		}
		wider, narrower = wider || w > 21, narrower || w < 19
	}
	if !wider || !narrower {
		t.Errorf("100 zooms: wider %v, narrower %v", wider, narrower)
	}
}

func BenchmarkAugment(b *testing.B) {
	src := make([]uint8, 784)
	for i := range src {
		src[i] = uint8(i)
	}
	dst := make([]uint8, 784)
	rng := rand.New(rand.NewPCG(1, 2))
	for _, c := range []struct {
		name string
		a    Config
	}{{"shift", Config{MaxShift: 2}}, {"rotate", Config{MaxRotate: 15}},
		{"elastic", Config{ElasticAlpha: 34, ElasticSigma: 4}}} {
		g := New(c.a, 28, 28)
		b.Run(c.name, func(b *testing.B) {
			for b.Loop() {
				g.Apply(dst, src, rng)
			}
		})
	}
}

func BenchmarkExpand(b *testing.B) {
	s := data.NewSet(10000, 28, 28)
	for b.Loop() {
		Expand(s, 1)
	}
}
