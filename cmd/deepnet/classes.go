package main

import (
	"fmt"
	"io"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"

	"github.com/deepnet-go/deepnet/data"
	"github.com/deepnet-go/deepnet/train"
)

// The training data a run sees: --no-validation puts the validation
// images back into training; --classes keeps a subset of the labels,
// renumbered 0..k-1, in every set; --labels-per-class keeps N labelled
// images of each class, chosen by the seed (--labels-first: the first N).

// classesUsage documents --classes.
const classesUsage = "train, validate and test on these labels only, renumbered 0..k-1 in the order given: a range 0-4, a list 0,2,4, or both (5-7,9); the network's softmax must have k classes (a preset's or --from's network gets a softmax of k classes; --net must give one)"

// loadData finds and loads MNIST (or the IDX files of --data), then, in
// this order: puts the validation images into training
// (--no-validation), applies --train-limit, --classes and
// --labels-per-class and, for presets that need it, expands the training
// set.
func (f *trainFlags) loadData(p train.Preset, log io.Writer) (*data.Splits, error) {
	d, err := loadMNIST(*f.dataDir, log)
	if err != nil {
		return nil, err
	}
	if f.noValidation {
		d = withValidation(d)
	}
	if f.trainLimit > 0 && f.trainLimit < d.Train.N {
		d.Train = d.Train.Slice(0, f.trainLimit)
	}
	if f.classes != "" {
		classes, err := parseClasses(f.classes)
		if err != nil {
			return nil, err
		}
		if err := applyClasses(d, classes, f.classes); err != nil {
			return nil, err
		}
	}
	if f.perClass > 0 {
		d.Train = someOfEachClass(d.Train, f.perClass, *f.seed, f.labelsFirst)
	}
	if p.Expanded {
		if d.Train, err = loadExpanded(d.Train, *f.seed, log); err != nil {
			return nil, err
		}
	}
	return d, nil
}

// parseClasses reads --classes: labels 0 to 255 and ranges LO-HI joined by
// commas, in the order the network numbers them; a label given twice is
// an error.
func parseClasses(s string) ([]int, error) {
	bad := func(why string) error {
		return fmt.Errorf("--classes %q: %s; want labels 0 to 255 and ranges such as 0-4, joined by commas (0-4 or 0,2,4)", s, why)
	}
	var out []int
	for _, part := range strings.Split(s, ",") {
		lo, hi, isRange := strings.Cut(strings.TrimSpace(part), "-")
		a, err1 := strconv.Atoi(lo)
		b, err2 := a, error(nil)
		if isRange {
			b, err2 = strconv.Atoi(hi)
		}
		switch {
		case err1 != nil || err2 != nil:
			return nil, bad(fmt.Sprintf("%q is not a label or a range", part))
		case a < 0 || b > 255 || b < a:
			return nil, bad(fmt.Sprintf("%q is out of range", part))
		}
		for l := a; l <= b; l++ {
			if slices.Contains(out, l) {
				return nil, bad(fmt.Sprintf("label %d is given twice", l))
			}
			out = append(out, l)
		}
	}
	if len(out) < 2 {
		return nil, bad("a classifier needs 2 classes or more")
	}
	return out, nil
}

// selectClasses returns the examples of s whose label is one of classes,
// in their order, each labelled with its label's place in classes.
func selectClasses(s *data.Set, classes []int) *data.Set {
	to := map[uint8]uint8{}
	for i, c := range classes {
		to[uint8(c)] = uint8(i)
	}
	var idx []int
	for i, l := range s.Labels {
		if _, ok := to[l]; ok {
			idx = append(idx, i)
		}
	}
	out := pick(s, idx)
	for i, l := range out.Labels {
		out.Labels[i] = to[l]
	}
	return out
}

// applyClasses applies --classes to every set of d; a class with no
// training image is an error.
func applyClasses(d *data.Splits, classes []int, flag string) error {
	d.Train, d.Validation, d.Test = selectClasses(d.Train, classes), selectClasses(d.Validation, classes), selectClasses(d.Test, classes)
	count := make([]int, len(classes))
	for _, l := range d.Train.Labels {
		count[l]++
	}
	for i, n := range count {
		if n == 0 {
			return fmt.Errorf("--classes %s: no training image has label %d", flag, classes[i])
		}
	}
	return nil
}

// someOfEachClass returns n examples of each class of s (all of a class
// with fewer), in their order in s: the first n of each with first set,
// else n drawn at random by seed (the same seed, the same images).
func someOfEachClass(s *data.Set, n int, seed uint64, first bool) *data.Set {
	byClass := map[uint8][]int{}
	for i, l := range s.Labels {
		byClass[l] = append(byClass[l], i)
	}
	rng := rand.New(rand.NewPCG(seed, 0x6c6162656c73)) // "labels": a stream of its own
	var keep []int
	for c := range 256 {
		idx := byClass[uint8(c)]
		if !first {
			rng.Shuffle(len(idx), func(i, j int) { idx[i], idx[j] = idx[j], idx[i] })
		}
		keep = append(keep, idx[:min(n, len(idx))]...)
	}
	slices.Sort(keep)
	return pick(s, keep)
}

// withValidation returns d's training and validation images together as
// one training set (the file's first images, in order) and no validation
// set: the data of a final model (--no-validation).
func withValidation(d *data.Splits) *data.Splits {
	t, v := d.Train, d.Validation
	all := data.NewSet(t.N+v.N, t.Rows, t.Cols)
	copy(all.Images, t.Images)
	copy(all.Images[len(t.Images):], v.Images)
	copy(all.Labels, t.Labels)
	copy(all.Labels[t.N:], v.Labels)
	all.Source, all.First = t.Source, t.First
	return &data.Splits{Train: all, Validation: data.NewSet(0, t.Rows, t.Cols), Test: d.Test}
}

// pick returns a copy of the examples idx of s.
func pick(s *data.Set, idx []int) *data.Set {
	out := data.NewSet(len(idx), s.Rows, s.Cols)
	for k, i := range idx {
		copy(out.Image(k), s.Image(i))
		out.Labels[k] = s.Labels[i]
	}
	return out
}

// classCount returns the number of classes of d's labels: the largest
// label of any set plus one.
func classCount(d *data.Splits) int {
	k := 0
	for _, s := range []*data.Set{d.Train, d.Validation, d.Test} {
		if s != nil && s.N > 0 {
			k = max(k, int(slices.Max(s.Labels))+1)
		}
	}
	return k
}
