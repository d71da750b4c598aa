package train

import (
	"context"

	"testing"

	"github.com/deepnet-go/deepnet/data"
	"github.com/deepnet-go/deepnet/data/augment"
)

// viewed returns s with every image seen through v.
func viewed(s *data.Set, v augment.View) *data.Set {
	out := s.Clone()
	for i := range s.N {
		v.Apply(out.Image(i), s.Image(i), s.Rows, s.Cols)
	}
	return out
}

func TestEvaluatorViews(t *testing.T) {
	net := smallNet(t, "conv:4x3x3 relu maxpool:2 fc:2 softmax:2", 8, 1)
	for _, p := range net.Params() { // a network whose views disagree
		for i := range p.Value.Data {
			p.Value.Data[i] += float32((i*7)%11-5) / 10
		}
	}
	set := synthetic(21, 5) // three batches, the last one short
	views := []augment.View{{}, {DX: 2}, {DY: -1, Degrees: 20}}
	// By hand: the class of largest summed probability over the views,
	// each view's set made in advance.
	sums := make([]float64, set.N*2)
	x := make([]float32, 64)
	for _, v := range views {
		vs := viewed(set, v)
		for i := range set.N {
			vs.Batch(x, []int{i})
			for k, p := range net.Forward(x, 1, false)[:2] {
				sums[i*2+k] += float64(p)
			}
		}
	}
	plain := make([]int, set.N)
	NewEvaluator(net).Predict(set, func(i, class int) { plain[i] = class })
	differ := 0
	NewEvaluator(net, views...).Predict(set, func(i, class int) {
		want := 0
		if sums[i*2+1] > sums[i*2] {
			want = 1
		}
		if class != want {
			t.Errorf("example %d: class %d through the views, %d by hand", i, class, want)
		}
		if class != plain[i] {
			differ++
		}
	})
	if differ == 0 {
		t.Error("the views change no prediction: the test cannot tell them from none")
	}
	// The identity alone is no augmentation.
	NewEvaluator(net, augment.View{}).Predict(set, func(i, class int) {
		if class != plain[i] {
			t.Errorf("example %d: the identity view predicts %d, no view %d", i, class, plain[i])
		}
	})
}

func TestEvaluatorPanicsOnBadViewsOrImages(t *testing.T) {
	net := smallNet(t, "fc:2 softmax:2", 4, 1)
	for name, f := range map[string]func(){
		"view":  func() { NewEvaluator(net, augment.View{Zoom: 2}) },
		"image": func() { NewEvaluator(net).Accuracy(data.NewSet(1, 3, 3)) },
	} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("%s: no panic", name)
				}
			}()
			f()
		}()
	}
}

// TestRunEvaluatesThroughViews: the candidates for the best epoch (here
// the last, --select-last 1) are measured through the views, the epochs
// before them as they are.
func TestRunEvaluatesThroughViews(t *testing.T) {
	d := &data.Splits{Train: synthetic(200, 1), Validation: synthetic(100, 2), Test: synthetic(100, 3)}
	views := []augment.View{{DX: 4}, {DX: 5}, {DY: 1, DX: 6}} // halves moved across the middle
	cfg := Config{Epochs: 2, Batch: 10, Eta: 0.05, Seed: 4, SelectLast: 1, Views: views}
	net := smallNet(t, "fc:10:relu softmax:2", 10, 1)
	res, err := Run(context.Background(), net, d, cfg)
	if err != nil {
		t.Fatal(err)
	}
	ev := NewEvaluator(net, views...)
	last := res.Epochs[1]
	if v, te := ev.Accuracy(d.Validation), ev.Accuracy(d.Test); last.Validation != v || last.Test != te || last.Views != 3 {
		t.Errorf("last epoch: recorded %v / %v through %d views, through the views %v / %v", last.Validation, last.Test, last.Views, v, te)
	}
	if v := NewEvaluator(net).Accuracy(d.Validation); v == last.Validation {
		t.Errorf("validation accuracy %v with and without the views: the test cannot tell them apart", v)
	}
	// The first epoch, no candidate, is measured as a run without views
	// measures it.
	cfg.Epochs, cfg.SelectLast, cfg.Views = 1, 0, nil
	plain, err := Run(context.Background(), smallNet(t, "fc:10:relu softmax:2", 10, 1), d, cfg)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := res.Epochs[0], plain.Epochs[0]; got.Views != 0 || got.Validation != want.Validation || got.Test != want.Test {
		t.Errorf("first epoch: %+v, without views %+v", got, want)
	}
}
