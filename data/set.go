package data

import "fmt"

// Set is a labelled image data set kept as uint8: image i is
// Images[i*Rows*Cols : (i+1)*Rows*Cols], row-major, and its label is Labels[i].
// len(Images) == N*Rows*Cols and len(Labels) == N.
type Set struct {
	Images []uint8
	Labels []uint8
	N      int
	Rows   int
	Cols   int
	// Source names where the labels come from, for messages: the labels
	// file of a set that was read (empty for a set made in memory). First
	// is the index there of the set's first example (a Slice of a file
	// starts past 0).
	Source string
	First  int
}

// NewSet returns a zeroed set of n images of rows×cols pixels.
func NewSet(n, rows, cols int) *Set {
	if n < 0 || rows <= 0 || cols <= 0 {
		panic(fmt.Sprintf("data.NewSet: bad size n=%d rows=%d cols=%d", n, rows, cols))
	}
	return &Set{Images: make([]uint8, n*rows*cols), Labels: make([]uint8, n), N: n, Rows: rows, Cols: cols}
}

// Pixels returns Rows*Cols, the size of one image.
func (s *Set) Pixels() int { return s.Rows * s.Cols }

// Image returns image i, sharing memory with the set (capacity limited to the
// image, so an append cannot overwrite the next one).
func (s *Set) Image(i int) []uint8 {
	if i < 0 || i >= s.N {
		panic(fmt.Sprintf("data.Set.Image: index %d out of range [0,%d)", i, s.N))
	}
	p := s.Pixels()
	return s.Images[i*p : (i+1)*p : (i+1)*p]
}

// Slice returns examples [lo, hi) as a set that shares memory with s.
func (s *Set) Slice(lo, hi int) *Set {
	if lo < 0 || hi < lo || hi > s.N {
		panic(fmt.Sprintf("data.Set.Slice: [%d,%d) out of range [0,%d]", lo, hi, s.N))
	}
	p := s.Pixels()
	return &Set{
		Images: s.Images[lo*p : hi*p : hi*p],
		Labels: s.Labels[lo:hi:hi],
		N:      hi - lo, Rows: s.Rows, Cols: s.Cols,
		Source: s.Source, First: s.First + lo,
	}
}

// Subset returns the first min(n, s.N) examples, sharing memory with s.
func (s *Set) Subset(n int) *Set {
	return s.Slice(0, max(0, min(n, s.N)))
}

// Clone returns a deep copy of s.
func (s *Set) Clone() *Set {
	c := *s
	c.Images = append([]uint8(nil), s.Images...)
	c.Labels = append([]uint8(nil), s.Labels...)
	return &c
}

// Check reports whether the lengths of Images and Labels agree with N, Rows
// and Cols.
func (s *Set) Check() error {
	if s.N < 0 || s.Rows <= 0 || s.Cols <= 0 {
		return fmt.Errorf("data: set of %d images of %d×%d pixels", s.N, s.Rows, s.Cols)
	}
	if len(s.Images) != s.N*s.Rows*s.Cols || len(s.Labels) != s.N {
		return fmt.Errorf("data: set of %d images of %d×%d pixels has %d pixel bytes and %d labels",
			s.N, s.Rows, s.Cols, len(s.Images), len(s.Labels))
	}
	return nil
}

// CheckLabels reports the first label that is not one of classes classes
// (0..classes-1) as a *LabelError.
func (s *Set) CheckLabels(classes int) error {
	for i, l := range s.Labels {
		if int(l) >= classes {
			return &LabelError{Source: s.Source, Index: s.First + i, Label: int(l), Classes: classes}
		}
	}
	return nil
}

// LabelError is a label outside the classes a network tells apart.
type LabelError struct {
	// Source and Index say where: the labels file (empty for a set made
	// in memory) and the example's index in it.
	Source         string
	Index          int
	Label, Classes int
}

func (e *LabelError) Error() string {
	where := "a data set"
	if e.Source != "" {
		where = e.Source
	}
	return fmt.Sprintf("%s: example %d has label %d, outside the %d classes 0-%d", where, e.Index, e.Label, e.Classes, e.Classes-1)
}

// scale[p] is float32(p)/255.
var scale = func() (t [256]float32) {
	for i := range t {
		t[i] = float32(i) / 255
	}
	return
}()

// Batch writes the images idx into dst as float32 pixel/255 in [0,1],
// row-major [len(idx)][Rows*Cols]. It does not allocate. dst must hold at
// least len(idx)*Rows*Cols values; entries after them are left alone.
func (s *Set) Batch(dst []float32, idx []int) {
	p := s.Pixels()
	if len(dst) < len(idx)*p {
		panic(fmt.Sprintf("data.Set.Batch: dst holds %d values, %d images of %d pixels need %d", len(dst), len(idx), p, len(idx)*p))
	}
	for k, i := range idx {
		if i < 0 || i >= s.N {
			panic(fmt.Sprintf("data.Set.Batch: index %d out of range [0,%d)", i, s.N))
		}
		src := s.Images[i*p : (i+1)*p]
		d := dst[k*p : (k+1)*p]
		for j, v := range src {
			d[j] = scale[v]
		}
	}
}

// ToFloat writes one uint8 image (or any pixels) into dst as pixel/255.
func ToFloat(dst []float32, src []uint8) {
	if len(dst) < len(src) {
		panic(fmt.Sprintf("data.ToFloat: dst holds %d values, src has %d", len(dst), len(src)))
	}
	for j, v := range src {
		dst[j] = scale[v]
	}
}

// LabelsOf writes the labels of the examples idx into dst[:len(idx)]. It does
// not allocate.
func (s *Set) LabelsOf(dst []int, idx []int) {
	if len(dst) < len(idx) {
		panic(fmt.Sprintf("data.Set.LabelsOf: dst holds %d labels, want %d", len(dst), len(idx)))
	}
	for k, i := range idx {
		dst[k] = int(s.Labels[i])
	}
}

// String describes the set, e.g. "50000 images of 28×28 pixels".
func (s *Set) String() string {
	return fmt.Sprintf("%d images of %d×%d pixels", s.N, s.Rows, s.Cols)
}

// Splits is a data set split three ways: examples to train on, examples to
// choose hyper-parameters and epochs on, and examples to report the result
// on. mnist.Load fills it as network3.py splits MNIST: the first 50,000
// training images, the last 10,000 of them, and the 10,000 test images.
type Splits struct {
	Train, Validation, Test *Set
}
