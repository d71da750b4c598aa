package viz

import (
	"fmt"
	"image"
	"image/png"
	"os"
	"path/filepath"
)

// WritePNG writes img to path as a PNG file, atomically: it writes a
// temporary file in the same directory and renames it over path, so that a
// reader never sees half a picture and a failure leaves any old file as it
// was.
func WritePNG(path string, img image.Image) (err error) {
	dir, base := filepath.Split(path)
	if dir == "" {
		dir = "."
	}
	f, err := os.CreateTemp(dir, "."+base+".*.tmp")
	if err != nil {
		return fmt.Errorf("viz: writing %s: %v", path, err)
	}
	defer func() {
		if err != nil {
			f.Close()
			os.Remove(f.Name())
			err = fmt.Errorf("viz: writing %s: %v", path, err)
		}
	}()
	if err = png.Encode(f, img); err != nil {
		return err
	}
	if err = f.Chmod(0o644); err != nil {
		return err
	}
	if err = f.Sync(); err != nil {
		return err
	}
	if err = f.Close(); err != nil {
		return err
	}
	return os.Rename(f.Name(), path)
}
