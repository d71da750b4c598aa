package main

import (
	"slices"
	"testing"

	"github.com/deepnet-go/deepnet/data"
)

// labelled returns a set of n 2×2 images whose label is i%10 and whose
// first pixel is i, so that an image says where it came from.
func labelled(n int) *data.Set {
	s := data.NewSet(n, 2, 2)
	for i := range n {
		s.Labels[i] = uint8(i % 10)
		s.Image(i)[0] = uint8(i)
	}
	return s
}

// origins returns the first pixel of each image of s.
func origins(s *data.Set) []int {
	out := make([]int, s.N)
	for i := range s.N {
		out[i] = int(s.Image(i)[0])
	}
	return out
}

// TestClassesRenumbered: --classes 7,2-3 keeps the images of labels 7, 2
// and 3, in their order, labelled 0, 1 and 2.
func TestClassesRenumbered(t *testing.T) {
	classes, err := parseClasses("7,2-3")
	if err != nil || !slices.Equal(classes, []int{7, 2, 3}) {
		t.Fatalf("parseClasses: %v, %v", classes, err)
	}
	d := &data.Splits{Train: labelled(30), Validation: labelled(10), Test: labelled(20)}
	if err := applyClasses(d, classes, "7,2-3"); err != nil {
		t.Fatal(err)
	}
	if got := origins(d.Train); !slices.Equal(got, []int{2, 3, 7, 12, 13, 17, 22, 23, 27}) {
		t.Errorf("kept images %v", got)
	}
	if !slices.Equal(d.Train.Labels, []uint8{1, 2, 0, 1, 2, 0, 1, 2, 0}) || d.Validation.N != 3 || d.Test.N != 6 {
		t.Errorf("labels %v, validation %d, test %d", d.Train.Labels, d.Validation.N, d.Test.N)
	}
	if classCount(d) != 3 {
		t.Errorf("%d classes, want 3", classCount(d))
	}
	d = &data.Splits{Train: labelled(30), Validation: labelled(10), Test: labelled(20)}
	if err := applyClasses(d, []int{3, 12}, "3,12"); err == nil {
		t.Error("a class with no training image: no error")
	}
}

// TestLabelsPerClassSeeded: --labels-per-class keeps N images of each
// class chosen by the seed: the same seed the same images, another seed
// others; --labels-first keeps the first N.
func TestLabelsPerClassSeeded(t *testing.T) {
	s := labelled(200)
	pick := func(seed uint64, first bool) []int {
		out := someOfEachClass(s, 3, seed, first)
		count := map[uint8]int{}
		for _, l := range out.Labels {
			count[l]++
		}
		if out.N != 30 || len(count) != 10 || count[4] != 3 {
			t.Fatalf("seed %d: %d images, counts %v; want 3 of each of 10 classes", seed, out.N, count)
		}
		return origins(out)
	}
	a, b, c := pick(1, false), pick(1, false), pick(2, false)
	if !slices.Equal(a, b) {
		t.Error("the same seed chose other images")
	}
	if slices.Equal(a, c) {
		t.Error("seeds 1 and 2 chose the same images")
	}
	if !slices.IsSorted(a) {
		t.Error("the images are not in their order")
	}
	first := pick(1, true)
	if !slices.Equal(first, []int{0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29}) {
		t.Errorf("--labels-first kept %v", first)
	}
	if !slices.Equal(first, pick(2, true)) {
		t.Error("--labels-first depends on the seed")
	}
}

// TestWithValidation: a final model's training set is the training and
// validation images, in the file's order.
func TestWithValidation(t *testing.T) {
	all := labelled(60)
	d := withValidation(&data.Splits{Train: all.Slice(0, 50), Validation: all.Slice(50, 60), Test: labelled(5)})
	if d.Train.N != 60 || d.Validation.N != 0 || !slices.Equal(origins(d.Train), origins(all)) {
		t.Errorf("training %d, validation %d", d.Train.N, d.Validation.N)
	}
}
