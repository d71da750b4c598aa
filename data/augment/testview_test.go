package augment

import (
	"math"
	"slices"
	"strings"
	"testing"

	"github.com/deepnet-go/deepnet/data"
)

func TestViewApply(t *testing.T) {
	src := make([]uint8, 28*28)
	for i := range src {
		src[i] = uint8(i * 37 % 251)
	}
	got, want := make([]uint8, len(src)), make([]uint8, len(src))
	View{}.Apply(got, src, 28, 28)
	if !slices.Equal(got, src) {
		t.Error("the identity view changed the image")
	}
	View{DY: -1, DX: 2}.Apply(got, src, 28, 28)
	Shift(want, src, 28, 28, -1, 2)
	if !slices.Equal(got, want) {
		t.Error("a shift view differs from Shift")
	}
	View{Degrees: 8}.Apply(got, src, 28, 28)
	Rotate(want, src, 28, 28, 8*math.Pi/180)
	if !slices.Equal(got, want) {
		t.Error("a rotation view differs from Rotate")
	}
	View{Degrees: 5, Zoom: 0.1, DY: 1}.Apply(got, src, 28, 28)
	affine(want, src, 28, 28, 5*math.Pi/180, 1.1, 1, 0)
	if !slices.Equal(got, want) {
		t.Error("a combined view differs from one affine pass")
	}
}

func TestViewBatch(t *testing.T) {
	s := data.NewSet(3, 4, 4)
	for i := range s.Images {
		s.Images[i] = uint8(i * 13)
	}
	dst, tmp, img := make([]float32, 2*16), make([]uint8, 16), make([]uint8, 16)
	v := View{DX: 1}
	v.Batch(dst, s, []int{2, 0}, tmp)
	for k, i := range []int{2, 0} {
		Shift(img, s.Image(i), 4, 4, 0, 1)
		want := make([]float32, 16)
		data.ToFloat(want, img)
		if !slices.Equal(dst[k*16:(k+1)*16], want) {
			t.Errorf("image %d of the batch is not image %d shifted", k, i)
		}
	}
	View{}.Batch(dst, s, []int{1}, nil) // the identity needs no workspace
	want := make([]float32, 16)
	s.Batch(want, []int{1})
	if !slices.Equal(dst[:16], want) {
		t.Error("the identity view's batch differs from Set.Batch")
	}
}

func TestMeanOverViews(t *testing.T) {
	s := data.NewSet(3, 4, 4)
	for i := range s.Images {
		s.Images[i] = uint8(i * 29 % 256)
	}
	// forward's outputs per image: the mean pixel and the first pixel,
	// which a shift changes and the identity does not.
	const k = 2
	out := make([]float32, 2*k)
	forward := func(x []float32, n int) []float32 {
		for i := range n {
			img := x[i*16 : (i+1)*16]
			var sum float32
			for _, p := range img {
				sum += p
			}
			out[i*k], out[i*k+1] = sum/16, img[0]
		}
		return out[:n*k]
	}
	views := []View{{}, {DX: 1}, {DY: -1}}
	idx := []int{2, 0}
	mean := make([]float32, 3*k) // longer than n·k: only n·k are written
	for i := range mean {
		mean[i] = -1
	}
	x, tmp := make([]float32, 2*16), make([]uint8, 16)
	got := MeanOverViews(mean, k, views, s, idx, x, tmp, forward)
	if len(got) != len(idx)*k || mean[len(idx)*k] != -1 {
		t.Fatalf("MeanOverViews returned %d values and wrote past n·k", len(got))
	}
	want := make([]float32, len(idx)*k)
	for _, v := range views {
		v.Batch(x, s, idx, tmp)
		for j, p := range forward(x, len(idx)) {
			want[j] += p / float32(len(views))
		}
	}
	if !slices.Equal(got, want) {
		t.Errorf("MeanOverViews = %v, want the views' outputs averaged, %v", got, want)
	}
	s.Batch(x, idx)
	plain := slices.Clone(forward(x, len(idx)))
	if slices.Equal(got, plain) {
		t.Error("the test cannot tell the views apart: their mean equals the images' own outputs")
	}
	if a := testing.AllocsPerRun(10, func() { MeanOverViews(mean, k, views, s, idx, x, tmp, forward) }); a != 0 {
		t.Errorf("MeanOverViews allocates %v times a call", a)
	}
}

func TestParseViews(t *testing.T) {
	shifts, err := ParseViews("shifts")
	if err != nil || len(shifts) != 5 || !shifts[0].Identity() {
		t.Fatalf("shifts: %v, %v", shifts, err)
	}
	for i, s := range ExpandShifts {
		if shifts[i+1] != (View{DY: s[0], DX: s[1]}) {
			t.Errorf("shifts[%d] = %v, want expand_mnist.py's shift %v", i+1, shifts[i+1], s)
		}
	}
	shifts[0].DY = 9 // a copy: the named set is not modified
	if ViewSets["shifts"][0].DY != 0 {
		t.Fatal("ParseViews returned the named set itself")
	}
	got, err := ParseViews("id, rotate:-5,shift:1:-2+rotate:7.5+zoom:-0.05")
	want := []View{{}, {Degrees: -5}, {DY: 1, DX: -2, Degrees: 7.5, Zoom: -0.05}}
	if err != nil || !slices.Equal(got, want) {
		t.Fatalf("got %v, %v; want %v", got, err, want)
	}
	for _, v := range want {
		back, err := ParseViews(v.String())
		if err != nil || len(back) != 1 || back[0] != v {
			t.Errorf("%v formats as %q, which parses as %v, %v", v, v.String(), back, err)
		}
	}
	for _, bad := range []string{"", "id,", "rotate", "shift:1", "shift:a:1", "zoom:1", "zoom:-1.5", "rotate:200", "rotate:NaN", "shift:70000:0", "shift:0:-9223372036854775808", "flip", "id+rotate:1"} {
		if _, err := ParseViews(bad); err == nil {
			t.Errorf("%q accepted", bad)
		} else if !strings.Contains(err.Error(), "view") {
			t.Errorf("%q: error %q does not say what was wrong", bad, err)
		}
	}
}

func FuzzParseViews(f *testing.F) {
	for _, s := range []string{"shifts", "none", "id,rotate:5", "shift:1:0+zoom:0.1", "zoom:1e400", "shift:-9223372036854775808:1"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, spec string) {
		views, err := ParseViews(spec)
		if err != nil {
			return
		}
		src, dst := make([]uint8, 9), make([]uint8, 9)
		for _, v := range views {
			if err := v.Validate(); err != nil {
				t.Fatalf("%q: accepted the invalid view %v: %v", spec, v, err)
			}
			v.Apply(dst, src, 3, 3)
		}
		if back, err := ParseViews(FormatViews(views)); err != nil || !slices.Equal(back, views) {
			t.Fatalf("%q: %v formats as %q, which parses as %v, %v", spec, views, FormatViews(views), back, err)
		}
	})
}

func TestFormatViews(t *testing.T) {
	for _, c := range []struct {
		views []View
		want  string
	}{
		{ViewSets["rotations"], "rotations"},
		{ViewSets["shifts"], "shifts"},
		{[]View{{}}, "none"},
		{[]View{{}, {Degrees: -3}, {DY: 1, Zoom: 0.05}}, "id,rotate:-3,shift:1:0+zoom:0.05"},
	} {
		if got := FormatViews(c.views); got != c.want {
			t.Errorf("FormatViews(%v) = %q, want %q", c.views, got, c.want)
		}
	}
}

func TestPlain(t *testing.T) {
	for _, c := range []struct {
		views []View
		want  bool
	}{{nil, true}, {[]View{{}}, true}, {[]View{{DX: 1}}, false}, {[]View{{}, {}}, false}, {ViewSets["shifts"], false}} {
		if got := Plain(c.views); got != c.want {
			t.Errorf("Plain(%v) = %v, want %v", c.views, got, c.want)
		}
	}
}
