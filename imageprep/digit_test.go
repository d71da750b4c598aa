package imageprep

import (
	"bytes"
	"errors"
	"image"
	"image/color"
	"image/draw"
	"image/png"
	"testing"
)

// roundTripPNG encodes img as PNG and decodes it again, as a user's file.
func roundTripPNG(t *testing.T, img image.Image) image.Image {
	t.Helper()
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	out, err := Decode(&buf)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// TestMNISTRoundTrip renders real MNIST digits at other sizes, positions
// and polarities and checks that Digit gives back the original, up to a
// shift of one pixel.
func TestMNISTRoundTrip(t *testing.T) {
	cases := []struct {
		name         string
		w, h, ox, oy int
		scale        float64
		dark         bool
		minCorr      float64
		maxMAD       float64
	}{
		{"identity", 28, 28, 0, 0, 1, false, 0.99, 4},
		{"100x140 dark on white", 100, 140, 5, 40, 3, true, 0.9, 14},
		{"57x57 light on dark", 57, 57, 1, 0, 2, false, 0.9, 14},
		{"300x200 offset dark", 300, 200, 150, 10, 6.5, true, 0.9, 14},
		{"small 20x20", 20, 20, 0, 0, 20.0 / 28, false, 0.8, 25},
	}
	digits := fixture(t)
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			for label, d := range digits {
				img := roundTripPNG(t, render(d, c.w, c.h, c.ox, c.oy, c.scale, c.dark))
				got, err := Digit(img)
				if err != nil {
					t.Fatalf("digit %d: %v", label, err)
				}
				if cx, cy := centreOfMass(got); abs64(cx-14) > 0.5 || abs64(cy-14) > 0.5 {
					t.Errorf("digit %d: centre of mass (%.2f, %.2f), want (14, 14) ± 0.5", label, cx, cy)
				}
				corr, mad := bestSimilarity(d, got)
				if corr < c.minCorr || mad > c.maxMAD {
					t.Errorf("digit %d: correlation %.3f (want ≥ %.2f), mean abs difference %.1f (want ≤ %.0f)",
						label, corr, c.minCorr, mad, c.maxMAD)
				}
			}
		})
	}
}

// TestTransparent composites black ink with an alpha channel over white.
func TestTransparent(t *testing.T) {
	d := fixture(t)[3]
	img := image.NewNRGBA(image.Rect(0, 0, 56, 56))
	for y := 0; y < 56; y++ {
		for x := 0; x < 56; x++ {
			a := sample28(d, (float64(x)+0.5)/2, (float64(y)+0.5)/2)
			img.SetNRGBA(x, y, color.NRGBA{0, 0, 0, uint8(a * 255)})
		}
	}
	got, err := Digit(roundTripPNG(t, img))
	if err != nil {
		t.Fatal(err)
	}
	if corr, mad := bestSimilarity(d, got); corr < 0.95 || mad > 12 {
		t.Errorf("correlation %.3f, mean abs difference %.1f", corr, mad)
	}
}

// stroke draws a thick line from (x0, y0) to (x1, y1) in colour c.
func stroke(img draw.Image, x0, y0, x1, y1, thick float64, c color.Color) {
	b := img.Bounds()
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			px, py := float64(x)+0.5, float64(y)+0.5
			dx, dy := x1-x0, y1-y0
			t := ((px-x0)*dx + (py-y0)*dy) / (dx*dx + dy*dy)
			t = min(1, max(0, t))
			ex, ey := px-(x0+t*dx), py-(y0+t*dy)
			if ex*ex+ey*ey <= thick*thick/4 {
				img.Set(x, y, c)
			}
		}
	}
}

// TestSyntheticStrokes checks the geometry of drawn digits: the longer side
// of the box becomes 20 pixels, the aspect ratio is kept and the centre of
// mass lands at (14, 14).
func TestSyntheticStrokes(t *testing.T) {
	paper := image.NewUniform(color.RGBA{235, 230, 220, 255}) // off-white paper
	ink := color.RGBA{30, 30, 60, 255}                        // blue-black ink
	cases := []struct {
		name   string
		w, h   int
		lines  [][4]float64
		thick  float64
		bw, bh int // expected box of the result (±1)
	}{
		{"seven", 300, 400, [][4]float64{{60, 60, 240, 60}, {240, 60, 120, 340}}, 24, 13, 20},
		{"one", 200, 300, [][4]float64{{100, 50, 100, 250}}, 20, 2, 20},
		{"dash", 400, 200, [][4]float64{{50, 100, 350, 100}}, 60, 20, 4},
	}
	for _, c := range cases {
		img := image.NewRGBA(image.Rect(0, 0, c.w, c.h))
		draw.Draw(img, img.Bounds(), paper, image.Point{}, draw.Src)
		for _, l := range c.lines {
			stroke(img, l[0], l[1], l[2], l[3], c.thick, ink)
		}
		got, err := Digit(img)
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		box := bbox(got, 40)
		if abs(box.Dx()-c.bw) > 1 || abs(box.Dy()-c.bh) > 1 {
			t.Errorf("%s: box %v (%dx%d), want about %dx%d", c.name, box, box.Dx(), box.Dy(), c.bw, c.bh)
		}
		if cx, cy := centreOfMass(got); abs64(cx-14) > 0.5 || abs64(cy-14) > 0.5 {
			t.Errorf("%s: centre of mass (%.2f, %.2f), want (14, 14)", c.name, cx, cy)
		}
		if got[0] != 0 || got[Size*Size-1] != 0 {
			t.Errorf("%s: background not 0", c.name)
		}
	}
}

// TestOffCentreClamp: a digit whose centre of mass is far from its box's
// centre is shifted only as far as the frame allows.
func TestOffCentreClamp(t *testing.T) {
	img := image.NewGray(image.Rect(0, 0, 320, 100))
	stroke(img, 25, 10, 25, 90, 30, color.Gray{255}) // heavy bar on the left
	stroke(img, 25, 50, 300, 50, 3, color.Gray{255}) // thin line to the right
	got, err := Digit(img)
	if err != nil {
		t.Fatal(err)
	}
	// The centre of mass is near the bar: centring it would push the line
	// out of the frame on the right.
	if box := bbox(got, 0); box.Dx() < 19 || box.Max.X != Size {
		t.Errorf("box %v, want the full width of 20 against the right edge", box)
	}
}

func TestNoDigit(t *testing.T) {
	noise := image.NewGray(image.Rect(0, 0, 50, 50))
	for i := range noise.Pix {
		noise.Pix[i] = 250 - uint8(i%7) // faint noise on white
	}
	for name, img := range map[string]image.Image{
		"white": image.NewUniform(color.White),
		"black": image.NewGray(image.Rect(0, 0, 30, 30)),
		"grey":  image.NewUniform(color.Gray{128}),
		"noise": noise,
		"empty": image.NewGray(image.Rect(0, 0, 0, 0)),
	} {
		if u, ok := img.(*image.Uniform); ok {
			m := image.NewRGBA(image.Rect(0, 0, 40, 40))
			draw.Draw(m, m.Bounds(), u, image.Point{}, draw.Src)
			img = m
		}
		got, err := Digit(img)
		if !errors.Is(err, ErrNoDigit) || got != nil {
			t.Errorf("%s: got %v, %v; want ErrNoDigit", name, got != nil, err)
		}
	}
}

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}

func abs64(x float64) float64 {
	if x < 0 {
		return -x
	}
	return x
}
