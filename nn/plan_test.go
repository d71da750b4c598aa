package nn

import (
	"errors"
	"reflect"
	"runtime"
	"strings"
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

// TestMemoryBudget: a network larger than its budget is refused with a
// *MemoryError that says how much it needs and the limit, before anything
// is allocated.
func TestMemoryBudget(t *testing.T) {
	spec, err := ParseSpec("fc:1000000 fc:1000000 softmax:10")
	if err != nil {
		t.Fatal(err)
	}
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	_, err = New(Config{Spec: spec, In: Shape{C: 1, H: 28, W: 28}, MaxBatch: 100})
	runtime.ReadMemStats(&after)
	var me *MemoryError
	if !errors.As(err, &me) || me.Need < 8e12 || me.Limit != DefaultMaxMemory() || !strings.Contains(err.Error(), "TB of memory, more than the limit of") {
		t.Fatalf("error %v, want a *MemoryError of about 8 TB", err)
	}
	if grown := after.TotalAlloc - before.TotalAlloc; grown > 1<<20 {
		t.Errorf("refusing the network allocated %d bytes", grown)
	}
	// The same network within a budget that allows it is built, and
	// MemoryOf counts what it allocates: 784·100 + 100 + 100·10 + 10
	// parameters and their gradients, and per example the layers' buffers.
	spec, _ = ParseSpec("fc:100 softmax:10")
	plans, _ := Plan(spec, Shape{C: 1, H: 28, W: 28})
	m := MemoryOf(plans, 10)
	if want := int64(2 * 4 * (784*100 + 100 + 100*10 + 10)); m.Params != want {
		t.Errorf("parameters %d bytes, want %d", m.Params, want)
	}
	if _, err := New(Config{Spec: spec, In: Shape{C: 1, H: 28, W: 28}, MaxBatch: 10, MaxMemory: m.Total() - 1}); !errors.As(err, &me) {
		t.Errorf("a budget one byte short: error %v", err)
	}
	if _, err := New(Config{Spec: spec, In: Shape{C: 1, H: 28, W: 28}, MaxBatch: 10, MaxMemory: m.Total()}); err != nil {
		t.Errorf("a budget just enough: %v", err)
	}
	if got := FormatBytes(1234567); got != "1.2 MB" {
		t.Errorf("FormatBytes(1234567) = %q", got)
	}
}

// TestMemoryOfBoundsNew: what New allocates is at most what MemoryOf says,
// and not far below it, for every kind of layer and several batch sizes.
func TestMemoryOfBoundsNew(t *testing.T) {
	for _, text := range []string{
		reluSpec,
		"conv:8x3x3/2 batchnorm l2pool:2x3 tanh avgpool:1 dropout:0.5 fc:30 batchnorm sigmoid dropout:0.2:network3 softmax:7",
		"fc:100:sigmoid softmax:10",
	} {
		spec, err := ParseSpec(text)
		if err != nil {
			t.Fatal(err)
		}
		in := Shape{C: 3, H: 28, W: 28}
		plans, _ := Plan(spec, in)
		for _, batch := range []int{1, 10, 100} {
			var before, after runtime.MemStats
			runtime.GC()
			runtime.ReadMemStats(&before)
			if _, err := New(Config{Spec: spec, In: in, MaxBatch: batch}); err != nil {
				t.Fatal(err)
			}
			runtime.ReadMemStats(&after)
			got, bound := int64(after.TotalAlloc-before.TotalAlloc), MemoryOf(plans, batch).Total()
			if got > bound || got < bound/2 {
				t.Errorf("%s, batch %d: New allocated %d bytes, MemoryOf says %d", text, batch, got, bound)
			}
		}
	}
}
