package viz

import (
	"image"
	"image/gif"
	"os"
	"path/filepath"
	"testing"
)

// TestTiles: the grid's size follows the layout alone; fixed shading
// draws 1 black and 0 white, own-range shading a tile's extremes black
// and white whatever their scale; too few values panic.
func TestTiles(t *testing.T) {
	v := make([]float32, 7*4*3)
	for i := range 12 {
		v[12+i] = 1                 // image 1 all ink
		v[24+i] = float32(i) * 1e-3 // image 2 faint, 0 to 0.011
	}
	img := Tiles(v, 7, 4, 3, TileOptions{PerRow: 3, Scale: 2, Lo: 0, Hi: 1})
	save(t, "tiles.png", img)
	// 3 images a row of 3×2+1 pixels, a gap of 1: 3·7+1 by 3·(4·2+1)+1.
	if b := img.Bounds(); b.Dx() != 22 || b.Dy() != 28 {
		t.Errorf("bounds %v, want 22×28", b)
	}
	if c := img.RGBAAt(1, 1); c != shade(0) { // image 0's first pixel: 0
		t.Errorf("a 0 drawn %v", c)
	}
	if c := img.RGBAAt(1+7, 1); c != shade(1) { // image 1: 1
		t.Errorf("a 1 drawn %v", c)
	}
	own := Tiles(v, 7, 4, 3, TileOptions{PerRow: 3, Scale: 2})
	if c := own.RGBAAt(1+14+5, 1+7); c != shade(1) { // image 2's largest value, bottom right
		t.Errorf("own range: the largest value drawn %v", c)
	}
	labelled := Tiles(v, 6, 4, 3, TileOptions{PerRow: 3, Scale: 2, Title: "sweep 10", RowLabels: []string{"0", "1"}})
	save(t, "tiles-labelled.png", labelled)
	if b := labelled.Bounds(); b.Dx() <= 22 || b.Dy() <= 19 {
		t.Errorf("labelled bounds %v", b)
	}
	defer func() {
		if recover() == nil {
			t.Error("no panic for too few values")
		}
	}()
	Tiles(v[:20], 7, 4, 3, TileOptions{})
}

func TestStack(t *testing.T) {
	a, b := canvas(10, 5, frame), canvas(4, 7, textColor)
	s := Stack(a, b)
	if s.Bounds().Dx() != 10 || s.Bounds().Dy() != 12 || s.RGBAAt(0, 0) != frame || s.RGBAAt(0, 6) != textColor || s.RGBAAt(8, 8) != white {
		t.Errorf("stack %v: %v %v %v", s.Bounds(), s.RGBAAt(0, 0), s.RGBAAt(0, 6), s.RGBAAt(8, 8))
	}
}

// TestWriteGIF: the frames come back in order with their delays, the
// last held longer, their greys and colours as drawn.
func TestWriteGIF(t *testing.T) {
	path := filepath.Join(t.TempDir(), "chain.gif")
	var frames []*image.RGBA
	for i := range 3 {
		v := []float32{float32(i) / 2, 1, 0, 0.5}
		frames = append(frames, Tiles(v, 1, 2, 2, TileOptions{Scale: 3, Lo: 0, Hi: 1}))
	}
	if err := WriteGIF(path, frames, 5); err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	g, err := gif.DecodeAll(f)
	if err != nil {
		t.Fatal(err)
	}
	if len(g.Image) != 3 || g.Delay[0] != 5 || g.Delay[2] != 15 {
		t.Fatalf("%d frames, delays %v", len(g.Image), g.Delay)
	}
	for i, p := range g.Image {
		for _, pt := range []image.Point{{1, 1}, {4, 1}, {0, 0}} {
			r1, g1, b1, _ := p.At(pt.X, pt.Y).RGBA()
			r2, g2, b2, _ := frames[i].At(pt.X, pt.Y).RGBA()
			if d := int(r1>>8) - int(r2>>8) + int(g1>>8) - int(g2>>8) + int(b1>>8) - int(b2>>8); d < -6 || d > 6 {
				t.Errorf("frame %d at %v: %v, drawn %v", i, pt, p.At(pt.X, pt.Y), frames[i].At(pt.X, pt.Y))
			}
		}
	}
	if err := WriteGIF(path, []*image.RGBA{frames[0], canvas(3, 3, white)}, 5); err == nil {
		t.Error("frames of two sizes: no error")
	}
}
