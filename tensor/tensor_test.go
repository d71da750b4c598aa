package tensor

import "testing"

func TestNewFromSize(t *testing.T) {
	x := New(2, 3, 4)
	if x.Len() != 24 || Size(x.Shape) != 24 {
		t.Fatalf("len %d", x.Len())
	}
	if Size(nil) != 1 {
		t.Fatal("empty shape should have size 1")
	}
	y := From(make([]float32, 6), 2, 3)
	if !SameShape(y.Shape, []int{2, 3}) || SameShape(y.Shape, []int{3, 2}) || SameShape(y.Shape, []int{6}) {
		t.Fatal("SameShape")
	}
	c := y.Clone()
	c.Data[0] = 1
	if y.Data[0] != 0 {
		t.Fatal("Clone shares data")
	}
	if s := x.String(); s != "tensor[2 3 4]" {
		t.Fatalf("String = %q", s)
	}
}

func TestFromPanicsOnSizeMismatch(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Fatal("no panic")
		}
	}()
	From(make([]float32, 5), 2, 3)
}
