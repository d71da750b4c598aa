package nn

import (
	"reflect"
	"testing"
)

// TestPlanMatchesNew: New builds exactly the layers, shapes and parameters
// Plan describes, for every layer kind.
func TestPlanMatchesNew(t *testing.T) {
	for _, text := range []string{
		reluSpec,
		"conv:4x3x3/2 batchnorm l2pool:2x3 tanh avgpool:1 dropout:0.5 fc:30 batchnorm sigmoid softmax:7",
		"fc:10 softmax:3",
	} {
		s, err := ParseSpec(text)
		if err != nil {
			t.Fatal(err)
		}
		in := Shape{C: 2, H: 28, W: 27}
		plans, err := Plan(s, in)
		if err != nil {
			t.Fatal(err)
		}
		net, err := New(Config{Spec: s, In: in, MaxBatch: 2})
		if err != nil {
			t.Fatal(err)
		}
		if len(plans) != len(net.Layers) {
			t.Fatalf("%s: %d planned layers, %d built", text, len(plans), len(net.Layers))
		}
		var planned []ParamPlan
		for i, p := range plans {
			if l := net.Layers[i]; l.OutShape() != p.Out || l.Spec() != p.Spec {
				t.Fatalf("%s: layer %d planned %s → %s, built %s → %s", text, i, p.Spec, p.Out, l.Spec(), l.OutShape())
			}
			planned = append(planned, p.Params...)
		}
		if len(planned) != len(net.Params()) {
			t.Fatalf("%s: %d planned parameters, %d built", text, len(planned), len(net.Params()))
		}
		for i, p := range net.Params() {
			if planned[i].Name != p.Name || !reflect.DeepEqual(planned[i].Shape, p.Value.Shape) {
				t.Fatalf("%s: planned %s %v, built %s %v", text, planned[i].Name, planned[i].Shape, p.Name, p.Value.Shape)
			}
		}
	}
}

func TestPlanSaturatesHugeSizes(t *testing.T) {
	s, _ := ParseSpec("conv:1000000x1x1 softmax:10")
	plans, err := Plan(s, Shape{C: 1000000, H: 1000, W: 1000})
	if err != nil {
		t.Fatal(err)
	}
	if plans[0].Floats <= 0 {
		t.Fatalf("overflowed: %d", plans[0].Floats)
	}
}
