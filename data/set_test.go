package data

import (
	"path/filepath"
	"strings"
	"testing"
)

// tinySet returns n images of rows×cols where pixel j of image i is i*16+j
// (mod 256) and label i is i%10.
func tinySet(n, rows, cols int) *Set {
	s := NewSet(n, rows, cols)
	for i := range n {
		for j, im := 0, s.Image(i); j < len(im); j++ {
			im[j] = byte(i*16 + j)
		}
		s.Labels[i] = byte(i % 10)
	}
	return s
}

func TestSetViews(t *testing.T) {
	s := tinySet(6, 2, 3)
	if err := s.Check(); err != nil {
		t.Fatal(err)
	}
	if im := s.Image(2); len(im) != 6 || cap(im) != 6 || im[0] != 32 || im[5] != 37 {
		t.Fatalf("Image(2) = %v (cap %d)", im, cap(im))
	}
	sl := s.Slice(2, 5)
	if sl.N != 3 || sl.Image(0)[0] != 32 || sl.Labels[2] != 4 || sl.Check() != nil {
		t.Fatalf("Slice(2,5) = %+v", sl)
	}
	sl.Image(0)[0] = 99 // shares memory
	if s.Image(2)[0] != 99 {
		t.Fatal("Slice copied the images")
	}
	if sub := s.Subset(100); sub.N != 6 {
		t.Fatalf("Subset(100).N = %d", sub.N)
	}
	if sub := s.Subset(4); sub.N != 4 || len(sub.Images) != 24 {
		t.Fatalf("Subset(4) = %v", sub)
	}
	c := s.Clone()
	c.Images[0] = s.Images[0] + 1
	if c.Images[0] == s.Images[0] {
		t.Fatal("Clone shares memory")
	}
	if got := s.String(); got != "6 images of 2×3 pixels" {
		t.Fatalf("String() = %q", got)
	}
}

func TestSetPanics(t *testing.T) {
	s := tinySet(3, 2, 2)
	for name, f := range map[string]func(){
		"Image":   func() { s.Image(3) },
		"Slice":   func() { s.Slice(2, 1) },
		"Batch":   func() { s.Batch(make([]float32, 3), []int{0}) },
		"BatchIx": func() { s.Batch(make([]float32, 4), []int{-1}) },
		"Labels":  func() { s.LabelsOf(nil, []int{0}) },
	} {
		func() {
			defer func() {
				if r := recover(); r == nil || !strings.Contains(r.(string), "data.") {
					t.Errorf("%s: recovered %v, want a data.… panic", name, r)
				}
			}()
			f()
		}()
	}
}

func TestBatch(t *testing.T) {
	s := tinySet(4, 2, 2)
	s.Images[0], s.Images[1] = 0, 255
	dst := make([]float32, 3*4+1)
	dst[12] = -7 // guard
	idx := []int{0, 3, 1}
	s.Batch(dst, idx)
	if dst[0] != 0 || dst[1] != 1 || dst[12] != -7 {
		t.Fatalf("Batch = %v", dst)
	}
	for k, i := range idx {
		for j := range 4 {
			if want := float32(s.Image(i)[j]) / 255; dst[k*4+j] != want {
				t.Fatalf("image %d pixel %d = %v, want %v", i, j, dst[k*4+j], want)
			}
		}
	}
	lab := make([]int, 3)
	s.LabelsOf(lab, idx)
	if lab[0] != 0 || lab[1] != 3 || lab[2] != 1 {
		t.Fatalf("LabelsOf = %v", lab)
	}
	if n := testing.AllocsPerRun(10, func() { s.Batch(dst, idx); s.LabelsOf(lab, idx) }); n != 0 {
		t.Fatalf("Batch allocates %v times", n)
	}
}

// writeSet writes s as an images and a labels IDX file in dir.
func writeSet(t *testing.T, dir, images, labels string, s *Set) {
	t.Helper()
	if err := WriteIDXFile(filepath.Join(dir, images), &IDX{Type: TypeUint8, Dims: []int{s.N, s.Rows, s.Cols}, Data: s.Images}); err != nil {
		t.Fatal(err)
	}
	if err := WriteIDXFile(filepath.Join(dir, labels), &IDX{Type: TypeUint8, Dims: []int{s.N}, Data: s.Labels}); err != nil {
		t.Fatal(err)
	}
}
