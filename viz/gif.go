package viz

import (
	"fmt"
	"image"
	"image/color"
	"image/draw"
	"image/gif"
	"io"

	"github.com/deepnet-go/deepnet/internal/atomicfile"
)

// palette is the GIF frames' colours: 240 greys, then the colours the
// pictures draw with besides grey.
var palette = func() color.Palette {
	p := color.Palette{}
	for i := range 240 {
		g := uint8(i * 255 / 239)
		p = append(p, color.RGBA{g, g, g, 255})
	}
	for _, c := range append([]color.RGBA{frame, textColor, errColor, gridColor}, seriesColors...) {
		p = append(p, c)
	}
	return p
}()

// WriteGIF writes frames to path as an animated GIF, atomically (as
// WritePNG), each frame shown for delay hundredths of a second and the
// last one three times as long, looping forever. The frames must all have
// the size of the first; each is mapped to a palette of greys and viz's
// colours (Tiles' pictures lose nothing).
func WriteGIF(path string, frames []*image.RGBA, delay int) error {
	if len(frames) == 0 {
		return fmt.Errorf("viz: writing %s: no frames", path)
	}
	g := &gif.GIF{}
	bounds := frames[0].Bounds()
	for i, f := range frames {
		if f.Bounds() != bounds {
			return fmt.Errorf("viz: writing %s: frame %d is %v, the first %v", path, i, f.Bounds(), bounds)
		}
		p := image.NewPaletted(bounds, palette)
		draw.Draw(p, bounds, f, bounds.Min, draw.Src)
		d := delay
		if i == len(frames)-1 {
			d *= 3
		}
		g.Image, g.Delay = append(g.Image, p), append(g.Delay, d)
	}
	err := atomicfile.Write(path, func(w io.Writer) error { return gif.EncodeAll(w, g) })
	if err != nil {
		return fmt.Errorf("viz: writing %s: %v", path, err)
	}
	return nil
}
