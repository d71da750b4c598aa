package viz

import (
	"image"
	"image/color"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/deepnet-go/deepnet/internal/nettest"
	"github.com/deepnet-go/deepnet/tensor"
)

// save writes img under $VIZ_OUT (when set), to look at by eye.
func save(t *testing.T, name string, img image.Image) {
	t.Helper()
	dir := os.Getenv("VIZ_OUT")
	if dir == "" {
		return
	}
	if err := WritePNG(filepath.Join(dir, name), img); err != nil {
		t.Fatal(err)
	}
}

func lum(c color.Color) int {
	r, g, b, _ := c.RGBA()
	return int(299*r+587*g+114*b) / 1000 >> 8
}

func TestFont(t *testing.T) {
	for r, g := range glyphs {
		rows := strings.Fields(g)
		if len(rows) > glyphH {
			t.Errorf("%q: %d rows", r, len(rows))
		}
		for _, row := range rows {
			if len(row) != glyphW || strings.Trim(row, ".#") != "" {
				t.Errorf("%q: bad row %q", r, row)
			}
		}
	}
	if textWidth("ab", 2) != 22 || textWidth("", 3) != 0 {
		t.Errorf("textWidth")
	}
}

func TestKernels(t *testing.T) {
	w := tensor.New(20, 1, 5, 5)
	perm := rand.New(rand.NewPCG(1, 2)).Perm(len(w.Data))
	for i, p := range perm {
		w.Data[i] = float32(p)/100 - 1 // distinct values in [-1, 1.5)
	}
	img := Kernels(w, 4)
	save(t, "kernels.png", img)
	// 10 per row, 2 rows, squares of 5×4 = 20 pixels, gaps of 2.
	if b := img.Bounds(); b.Dx() != 10*22+2 || b.Dy() != 2*22+2 {
		t.Fatalf("size %v", b)
	}
	// The centre of each weight's square: darker for larger weights.
	type px struct {
		w float32
		l int
	}
	var seen []px
	for i, v := range w.Data {
		k, y, x := i/25, i%25/5, i%5
		cx := 2 + (k%10)*22 + x*4 + 2
		cy := 2 + (k/10)*22 + y*4 + 2
		seen = append(seen, px{v, lum(img.At(cx, cy))})
	}
	for _, a := range seen {
		for _, b := range seen {
			if a.w < b.w && a.l < b.l {
				t.Fatalf("weight %v is darker (%d) than larger weight %v (%d)", a.w, a.l, b.w, b.l)
			}
		}
	}
	// The extremes of the layer are white and black.
	lo, hi := 255, 0
	for _, p := range seen {
		lo, hi = min(lo, p.l), max(hi, p.l)
	}
	if lo != 0 || hi != 255 {
		t.Errorf("levels %d…%d, want 0…255", lo, hi)
	}

	w2 := tensor.New(4, 3, 3, 3) // one row per output map, one column per channel
	if b := Kernels(w2, 1).Bounds(); b.Dx() != 3*4+1 || b.Dy() != 4*4+1 {
		t.Errorf("multi-channel size %v", b)
	}
}

func TestFeatureMaps(t *testing.T) {
	net := nettest.New(t, "conv:4x5x5 maxpool:2 relu fc:10:relu softmax:10", nettest.MNIST, 1, 3)
	x := make([]float32, 28*28)
	for i := range x {
		if r, c := i/28, i%28; (r-14)*(r-14)+(c-14)*(c-14) < 60 && (r-14)*(r-14)+(c-14)*(c-14) > 25 {
			x[i] = 1 // a ring, a "0"
		}
	}
	acts, err := Activations(net, x)
	if err != nil {
		t.Fatal(err)
	}
	if len(acts) != len(net.Layers) {
		t.Fatalf("%d activations for %d layers", len(acts), len(net.Layers))
	}
	for _, a := range acts {
		if len(a.Data) != a.Shape.Size() {
			t.Errorf("layer %d: %d values for %s", a.Layer, len(a.Data), a.Shape)
		}
	}
	probs := net.Forward(x, 1, false)
	for k, p := range acts[len(acts)-1].Data {
		if p != probs[k] {
			t.Fatalf("class %d: %v, Network.Forward says %v", k, p, probs[k])
		}
	}
	img, err := FeatureMaps(net, x)
	if err != nil {
		t.Fatal(err)
	}
	save(t, "featuremaps.png", img)
	// input (56 px) + conv (4 maps of 48) + pool + relu (4 of 48) + bars.
	if b := img.Bounds(); b.Dx() < 4*48 || b.Dy() < 56+3*48+barHeight {
		t.Errorf("size %v", b)
	}
	if _, err := FeatureMaps(net, x[:100]); err == nil {
		t.Errorf("no error for a short input")
	}
}
