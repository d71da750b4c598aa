package data

import (
	"bytes"
	"compress/gzip"
	"errors"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"
)

func TestLoadSet(t *testing.T) {
	dir := t.TempDir()
	s := tinySet(5, 3, 4)
	writeSet(t, dir, "im.gz", "lb", s)
	got, err := LoadSet(filepath.Join(dir, "im.gz"), filepath.Join(dir, "lb"))
	if err != nil {
		t.Fatal(err)
	}
	if got.N != 5 || got.Rows != 3 || got.Cols != 4 || string(got.Images) != string(s.Images) || string(got.Labels) != string(s.Labels) {
		t.Fatalf("LoadSet = %+v", got)
	}
	// A label outside the classes is reported with the labels file and its
	// index there, also from a slice of the set.
	got.Labels[3] = 9
	var le *LabelError
	if err := got.Slice(2, 5).CheckLabels(9); !errors.As(err, &le) || le.Source != filepath.Join(dir, "lb") || le.Index != 3 || le.Label != 9 {
		t.Errorf("CheckLabels: %v, want label 9 of example 3 of %s", err, filepath.Join(dir, "lb"))
	}
	if err := got.Slice(2, 5).CheckLabels(10); err != nil {
		t.Errorf("CheckLabels(10): %v", err)
	}
	// Mismatched counts, wrong ranks and types are typed errors naming the
	// files.
	writeSet(t, dir, "im4", "lb4", tinySet(4, 3, 4))
	os.WriteFile(filepath.Join(dir, "flat"), idxBytes(8, []uint32{5, 12}, seq(60)), 0o644)
	os.WriteFile(filepath.Join(dir, "i16"), idxBytes(0x0B, []uint32{5}, seq(10)), 0o644)
	var fe *FormatError
	var me *MismatchError
	for _, c := range []struct {
		images, labels, want string
		as                   any
	}{
		{"im.gz", "lb4", "im.gz holds 5 images but " + filepath.Join(dir, "lb4") + " holds 4 labels", &me},
		{"flat", "lb", "flat: offset 3: want uint8 images N×rows×cols, have 5×12 uint8", &fe},
		{"im.gz", "im.gz", "im.gz: offset 3: want uint8 labels of shape N, have 5×3×4 uint8", &fe},
		{"im.gz", "i16", "i16: offset 2: want uint8 labels of shape N, have 5 int16", &fe},
		{"im.gz", "missing", "missing", nil},
	} {
		_, err := LoadSet(filepath.Join(dir, c.images), filepath.Join(dir, c.labels))
		if err == nil || !strings.Contains(err.Error(), c.want) || c.as != nil && !errors.As(err, c.as) {
			t.Errorf("LoadSet(%s, %s) = %v, want a %T containing %q", c.images, c.labels, err, c.as, c.want)
		}
	}
	if _, err := LoadSet(filepath.Join(dir, "im.gz"), filepath.Join(dir, "missing")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("LoadSet with a missing file: %v", err)
	}
}

// writeClaim writes to dir/name an IDX file of type uint8 whose header
// claims dims and whose data are n zero bytes, gzipped when name ends in
// ".gz", and returns its path.
func writeClaim(t testing.TB, dir, name string, dims []uint32, n int) string {
	t.Helper()
	p := filepath.Join(dir, name)
	f, err := os.Create(p)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var w io.Writer = f
	var zw *gzip.Writer
	if strings.HasSuffix(name, ".gz") {
		zw = gzip.NewWriter(f)
		w = zw
	}
	if _, err := w.Write(idxBytes(8, dims, nil)); err != nil {
		t.Fatal(err)
	}
	zeros := make([]byte, 64<<10)
	for n > 0 {
		k := min(n, len(zeros))
		if _, err := w.Write(zeros[:k]); err != nil {
			t.Fatal(err)
		}
		n -= k
	}
	if zw != nil {
		if err := zw.Close(); err != nil {
			t.Fatal(err)
		}
	}
	return p
}

// allocated returns the bytes f allocates.
func allocated(f func()) uint64 {
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	f()
	runtime.ReadMemStats(&after)
	return after.TotalAlloc - before.TotalAlloc
}

func TestReadIDXHeader(t *testing.T) {
	dir := t.TempDir()
	for _, name := range []string{"im", "im.gz"} {
		p := filepath.Join(dir, name)
		if err := WriteIDXFile(p, &IDX{Type: TypeInt16, Dims: []int{3, 2, 1}, Data: seq(12)}); err != nil {
			t.Fatal(err)
		}
		h, err := ReadIDXHeaderFile(p)
		if err != nil || h.Type != TypeInt16 || !slices.Equal(h.Dims, []int{3, 2, 1}) || h.DataBytes() != 12 {
			t.Errorf("%s: ReadIDXHeaderFile = %+v, %v", name, h, err)
		}
	}
	// A gzipped file cut short after its header: the header reads, the
	// file does not.
	gzipped := gz(t, idxBytes(8, []uint32{10000, 28, 28}, seq(10000*28*28)))
	p := filepath.Join(dir, "cut.gz")
	os.WriteFile(p, gzipped[:1000], 0o644)
	if h, err := ReadIDXHeaderFile(p); err != nil || !slices.Equal(h.Dims, []int{10000, 28, 28}) {
		t.Errorf("header of a truncated gzipped file: %+v, %v", h, err)
	}
	if _, err := ReadIDXFile(p); err == nil {
		t.Error("ReadIDXFile read a truncated gzipped file")
	}
	// Malformed headers are the FormatErrors ReadIDX reports.
	for _, c := range corrupt {
		if strings.Contains(c.reason, "claims") || strings.Contains(c.reason, "more than") || strings.Contains(c.reason, "trailing") {
			continue // problems of the data or its size, not of the header
		}
		_, err := ReadIDXHeader(bytes.NewReader(c.in), "h")
		checkFormatError(t, err, "h", c.offset, c.reason)
	}
	if _, err := ReadIDXHeaderFile(filepath.Join(dir, "nope")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("missing file: %v", err)
	}
	// DataBytes saturates.
	if n := (IDXHeader{TypeFloat64, []int{1 << 31, 1 << 31, 1 << 31}}).DataBytes(); n != 1<<63-1 {
		t.Errorf("DataBytes of 2^93 float64s = %d", n)
	}
}

// TestHugeClaimRefusedBeforeInflating writes a 1 kB gzipped images file
// whose header claims 10^9 images of 28×28 pixels (784 GB) and checks that
// LoadSet refuses it from the header: at once, allocating little, with a
// *SizeError that names the file, the claim and the limit.
func TestHugeClaimRefusedBeforeInflating(t *testing.T) {
	dir := t.TempDir()
	images := writeClaim(t, dir, "bomb-images.gz", []uint32{1e9, 28, 28}, 1<<20)
	labels := writeClaim(t, dir, "bomb-labels.gz", []uint32{1e9}, 1<<20)
	if st, _ := os.Stat(images); st.Size() > 2<<10 {
		t.Fatalf("the gzipped file takes %d bytes, want about 1 kB", st.Size())
	}
	var err error
	var elapsed time.Duration
	n := allocated(func() {
		start := time.Now()
		_, err = LoadSet(images, labels)
		elapsed = time.Since(start)
	})
	var se *SizeError
	if !errors.As(err, &se) || se.File != images || se.Limit != DefaultMaxBytes || se.Total != 784e9 ||
		se.Header.Type != TypeUint8 || !slices.Equal(se.Header.Dims, []int{1e9, 28, 28}) {
		t.Fatalf("LoadSet = %v (%T), want a *SizeError for %s", err, err, images)
	}
	want := "data: " + images + ": header claims 1000000000×28×28 uint8 = 784000000000 bytes, more than the limit of 1073741824 bytes"
	if err.Error() != want {
		t.Errorf("error\n%s\nwant\n%s", err, want)
	}
	t.Logf("refused in %v, allocating %d bytes", elapsed, n)
	if n > 256<<10 {
		t.Errorf("LoadSet allocated %d bytes to refuse a 1 kB file", n)
	}
	if elapsed > time.Second {
		t.Errorf("LoadSet took %v to refuse a 1 kB file", elapsed)
	}
	// Reading the header alone inflates little.
	if n := allocated(func() { ReadIDXHeaderFile(images) }); n > 128<<10 {
		t.Errorf("ReadIDXHeaderFile allocated %d bytes", n)
	}
}

// TestBudget checks the budget against the sum of the claims: files that
// hold their data, compressed, are refused without being inflated.
func TestBudget(t *testing.T) {
	dir := t.TempDir()
	// 10 MB of zeros, 10 kB gzipped, over a 1 MiB budget.
	im := writeClaim(t, dir, "im.gz", []uint32{10000, 100, 10}, 10000*1000)
	lb := writeClaim(t, dir, "lb.gz", []uint32{10000}, 10000)
	var err error
	n := allocated(func() { _, err = LoadSets(1<<20, SetFiles{im, lb}) })
	var se *SizeError
	if !errors.As(err, &se) || se.File != im || se.Limit != 1<<20 {
		t.Fatalf("LoadSets = %v, want a *SizeError for %s", err, im)
	}
	if n > 256<<10 {
		t.Errorf("LoadSets allocated %d bytes to refuse a file of 10 MB within 1 MiB", n)
	}
	// Within budget alone, over it with the set before it: the error
	// names the file that crossed the limit and the total.
	trainIm := writeClaim(t, dir, "train-im", []uint32{600, 2, 2}, 2400)
	trainLb := writeClaim(t, dir, "train-lb", []uint32{600}, 600)
	testIm := writeClaim(t, dir, "test-im", []uint32{100, 2, 2}, 400)
	testLb := writeClaim(t, dir, "test-lb", []uint32{100}, 100)
	sets := []SetFiles{{trainIm, trainLb}, {testIm, testLb}}
	if got, err := LoadSets(3500, sets...); err != nil || got[0].N != 600 || got[1].N != 100 {
		t.Fatalf("LoadSets within 3500 bytes: %v", err)
	}
	_, err = LoadSets(3499, sets...)
	if !errors.As(err, &se) || se.File != testLb || se.Total != 3500 ||
		!strings.Contains(err.Error(), testLb+": header claims 100 uint8 = 100 bytes, 3500 bytes with the files before it, more than the limit of 3499 bytes") {
		t.Fatalf("LoadSets over 3499 bytes: %v", err)
	}
	// The default budget: 2,000,000 images of 28×28 (1.5 GB, under the
	// reader's 4 GiB) are more than DefaultMaxBytes.
	big := writeClaim(t, dir, "big.gz", []uint32{2e6, 28, 28}, 1000)
	bigLb := writeClaim(t, dir, "big-lb.gz", []uint32{2e6}, 1000)
	if _, err := LoadSet(big, bigLb); !errors.As(err, &se) || se.File != big || se.Limit != DefaultMaxBytes {
		t.Fatalf("LoadSet of 1.5 GB: %v, want a *SizeError", err)
	}
}

// TestMismatchFromHeaders checks counts and sizes across files with files
// that hold headers only: a *MismatchError, not a truncation, shows that
// the headers were compared before any data was read.
func TestMismatchFromHeaders(t *testing.T) {
	dir := t.TempDir()
	im := writeClaim(t, dir, "im.gz", []uint32{60000, 28, 28}, 0)
	lb := writeClaim(t, dir, "lb", []uint32{59999}, 0)
	testIm := writeClaim(t, dir, "test-im", []uint32{10000, 32, 28}, 0)
	testLb := writeClaim(t, dir, "test-lb", []uint32{10000}, 0)
	var me *MismatchError
	_, err := LoadSet(im, lb)
	if !errors.As(err, &me) || me.Files != [2]string{im, lb} || me.Claims != [2]string{"60000 images", "59999 labels"} {
		t.Fatalf("LoadSet with 60000 images and 59999 labels: %v", err)
	}
	if want := "data: " + im + " holds 60000 images but " + lb + " holds 59999 labels"; err.Error() != want {
		t.Errorf("error %q, want %q", err, want)
	}
	lb = writeClaim(t, dir, "lb", []uint32{60000}, 0)
	_, err = LoadSets(0, SetFiles{im, lb}, SetFiles{testIm, testLb})
	if !errors.As(err, &me) || me.Files != [2]string{im, testIm} || me.Claims != [2]string{"28×28 images", "32×28 images"} {
		t.Fatalf("LoadSets with 28×28 and 32×28 images: %v", err)
	}
	if want := "data: " + im + " holds 28×28 images but " + testIm + " holds 32×28 images"; err.Error() != want {
		t.Errorf("error %q, want %q", err, want)
	}
	// With the headers in agreement, the missing data are reported.
	testIm = writeClaim(t, dir, "test-im", []uint32{10000, 28, 28}, 0)
	_, err = LoadSets(0, SetFiles{im, lb}, SetFiles{testIm, testLb})
	checkFormatError(t, err, im, 16, "header claims 60000×28×28 = 47040000 bytes, file has 0")
}
