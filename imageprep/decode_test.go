package imageprep

import (
	"bytes"
	"encoding/binary"
	"errors"
	"hash/crc32"
	"image"
	"image/gif"
	"image/jpeg"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// encodings writes img in each format DecodeFile reads.
func encodings(t *testing.T, img image.Image) map[string][]byte {
	t.Helper()
	out := map[string][]byte{}
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	out["png"] = bytes.Clone(b.Bytes())
	b.Reset()
	if err := jpeg.Encode(&b, img, &jpeg.Options{Quality: 90}); err != nil {
		t.Fatal(err)
	}
	out["jpg"] = bytes.Clone(b.Bytes())
	b.Reset()
	if err := gif.Encode(&b, img, nil); err != nil { // Plan 9 palette
		t.Fatal(err)
	}
	out["gif"] = bytes.Clone(b.Bytes())
	return out
}

func TestDecodeFileFormats(t *testing.T) {
	dir := t.TempDir()
	d := fixture(t)[8]
	img := render(d, 120, 90, 30, 2, 3, true)
	for ext, data := range encodings(t, img) {
		path := filepath.Join(dir, "eight."+ext)
		if err := os.WriteFile(path, data, 0o644); err != nil {
			t.Fatal(err)
		}
		got, err := DecodeFile(path)
		if err != nil {
			t.Fatalf("%s: %v", ext, err)
		}
		if corr, mad := bestSimilarity(d, got); corr < 0.9 || mad > 15 {
			t.Errorf("%s: correlation %.3f, mean abs difference %.1f", ext, corr, mad)
		}
	}
}

// pngHeader returns the start of a PNG file claiming w×h pixels.
func pngHeader(w, h uint32) []byte {
	ihdr := make([]byte, 17)
	copy(ihdr, "IHDR")
	binary.BigEndian.PutUint32(ihdr[4:], w)
	binary.BigEndian.PutUint32(ihdr[8:], h)
	ihdr[12], ihdr[13] = 8, 0 // 8-bit grayscale
	b := []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\x0d")
	b = append(b, ihdr...)
	return binary.BigEndian.AppendUint32(b, crc32.ChecksumIEEE(ihdr))
}

func TestDecodeFileErrors(t *testing.T) {
	dir := t.TempDir()
	blank := image.NewGray(image.Rect(0, 0, 40, 40))
	good := encodings(t, render(fixture(t)[2], 56, 56, 0, 0, 2, true))
	var blankPNG bytes.Buffer
	png.Encode(&blankPNG, blank)
	files := map[string][]byte{
		"text.png":      []byte("hello, not an image"),
		"empty.jpg":     nil,
		"truncated.png": good["png"][:len(good["png"])/2],
		"truncated.jpg": good["jpg"][:len(good["jpg"])/2],
		"truncated.gif": good["gif"][:len(good["gif"])/2],
		"huge.png":      pngHeader(100000, 100000),
		"blank.png":     blankPNG.Bytes(),
	}
	for name, data := range files {
		path := filepath.Join(dir, name)
		if err := os.WriteFile(path, data, 0o644); err != nil {
			t.Fatal(err)
		}
		got, err := DecodeFile(path)
		if err == nil || got != nil {
			t.Errorf("%s: no error", name)
			continue
		}
		if !strings.Contains(err.Error(), path) {
			t.Errorf("%s: error %q does not name the file", name, err)
		}
		if name == "blank.png" && !errors.Is(err, ErrNoDigit) {
			t.Errorf("%s: error %q is not ErrNoDigit", name, err)
		}
		t.Logf("%s: %v", name, err)
	}
	if _, err := DecodeFile(filepath.Join(dir, "missing.png")); err == nil || !strings.Contains(err.Error(), "missing.png") {
		t.Errorf("missing file: %v", err)
	}
}

// TestDecodeCorrupt flips bytes all over valid files: DecodeFile may fail
// or succeed but must never panic.
func TestDecodeCorrupt(t *testing.T) {
	for _, data := range encodings(t, render(fixture(t)[5], 40, 40, 6, 6, 1, true)) {
		for i := 0; i < len(data); i += max(1, len(data)/300) {
			bad := bytes.Clone(data)
			bad[i] ^= 0x5a
			img, err := Decode(bytes.NewReader(bad))
			if err == nil {
				Digit(img)
			}
		}
	}
}
