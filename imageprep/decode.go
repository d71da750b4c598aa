package imageprep

import (
	"bytes"
	"fmt"
	"image"
	_ "image/gif"  // register GIF for image.Decode
	_ "image/jpeg" // register JPEG for image.Decode
	_ "image/png"  // register PNG for image.Decode
	"io"
	"os"
	"strings"
)

// MaxPixels is the largest image (width × height) DecodeFile accepts, so
// that a small corrupt or hostile file cannot claim gigabytes of memory.
const MaxPixels = 50_000_000

// DecodeFile reads a PNG, JPEG or GIF file and returns it as an MNIST-like
// digit (see Digit). Every error names the file; a file that is not an
// image, is truncated, or is larger than MaxPixels is an error, not a panic.
func DecodeFile(path string) ([]uint8, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("imageprep: %v", err)
	}
	defer f.Close()
	img, err := Decode(f)
	if err != nil {
		return nil, &fileError{path, err}
	}
	d, err := Digit(img)
	if err != nil {
		return nil, &fileError{path, err}
	}
	return d, nil
}

// fileError names the file an error is about; it unwraps to the error, so
// that errors.Is(err, ErrNoDigit) holds for a blank image file.
type fileError struct {
	path string
	err  error
}

func (e *fileError) Error() string {
	return "imageprep: " + e.path + ": " + strings.TrimPrefix(e.err.Error(), "imageprep: ")
}

func (e *fileError) Unwrap() error { return e.err }

// Decode reads one PNG, JPEG or GIF image from r, checking its size in the
// header before decoding the pixels. A panic inside a decoder becomes an
// error.
func Decode(r io.Reader) (img image.Image, err error) {
	var head bytes.Buffer // what DecodeConfig reads, to read it again
	cfg, format, err := image.DecodeConfig(io.TeeReader(r, &head))
	if err != nil && format == "" {
		return nil, fmt.Errorf("not a PNG, JPEG or GIF image: %v", err)
	}
	if err != nil {
		return nil, fmt.Errorf("corrupt %s header: %v", format, err)
	}
	if cfg.Width < 1 || cfg.Height < 1 || int64(cfg.Width)*int64(cfg.Height) > MaxPixels {
		return nil, fmt.Errorf("%s image of %dx%d pixels (at most %d pixels)", format, cfg.Width, cfg.Height, MaxPixels)
	}
	defer func() {
		if p := recover(); p != nil {
			img, err = nil, fmt.Errorf("corrupt %s image: %v", format, p)
		}
	}()
	img, _, err = image.Decode(io.MultiReader(&head, r))
	if err != nil {
		return nil, fmt.Errorf("corrupt %s image: %v", format, err)
	}
	return img, nil
}
