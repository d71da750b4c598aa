package viz

import (
	"fmt"
	"image"
	"image/png"
	"io"

	"github.com/deepnet-go/deepnet/internal/atomicfile"
)

// WritePNG writes img to path as a PNG file, atomically: it writes a
// temporary file in the same directory and renames it over path, so that a
// reader never sees half a picture and a failure leaves any old file as it
// was.
func WritePNG(path string, img image.Image) error {
	err := atomicfile.Write(path, func(w io.Writer) error { return png.Encode(w, img) })
	if err != nil {
		return fmt.Errorf("viz: writing %s: %v", path, err)
	}
	return nil
}
