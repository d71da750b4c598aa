package nn

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"
)

const reluSpec = "conv:20x5x5 maxpool:2 relu conv:40x5x5 maxpool:2 relu fc:100:relu softmax:10"

func mnistNet(t testing.TB, spec string, batch int, seed uint64) *Network {
	t.Helper()
	s, err := ParseSpec(spec)
	if err != nil {
		t.Fatal(err)
	}
	net, err := New(Config{Spec: s, In: Shape{C: 1, H: 28, W: 28}, MaxBatch: batch, Seed: seed})
	if err != nil {
		t.Fatal(err)
	}
	return net
}

func TestNetworkShapesAndParams(t *testing.T) {
	net := mnistNet(t, reluSpec, 10, 1)
	var names []string
	for _, p := range net.Params() {
		names = append(names, fmt.Sprintf("%s%v", p.Name, p.Value.Shape))
	}
	want := "[0.weight[20 1 5 5] 0.bias[20] 3.weight[40 20 5 5] 3.bias[40] 6.weight[100 640] 6.bias[100] 8.weight[10 100] 8.bias[10]]"
	if got := fmt.Sprint(names); got != want {
		t.Fatalf("params %s\nwant %s", got, want)
	}
	if net.Classes() != 10 {
		t.Fatal(net.Classes())
	}
}

// TestInitNetwork3 checks network3's initialisation: conv std sqrt(1/n_out)
// with n_out = maps·KH·KW/pool area, fc std sqrt(1/units), biases N(0,1),
// softmax zero.
func TestInitNetwork3(t *testing.T) {
	net := mnistNet(t, reluSpec, 1, 7)
	std := func(x []float32) float64 {
		var s float64
		for _, v := range x {
			s += float64(v) * float64(v)
		}
		return math.Sqrt(s / float64(len(x)))
	}
	p := net.Params()
	for _, c := range []struct {
		i    int
		want float64
	}{{0, math.Sqrt(1 / (20 * 25 / 4.0))}, {2, math.Sqrt(1 / (40 * 25 / 4.0))}, {4, 0.1}, {5, 1}} {
		if got := std(p[c.i].Value.Data); math.Abs(got-c.want) > 0.1*c.want {
			t.Errorf("%s: std %.4f, want %.4f", p[c.i].Name, got, c.want)
		}
	}
	for _, v := range append(p[6].Value.Data, p[7].Value.Data...) {
		if v != 0 {
			t.Fatal("softmax layer not zero")
		}
	}
}

func TestSameSeedSameWeights(t *testing.T) {
	a, b, c := mnistNet(t, reluSpec, 2, 5), mnistNet(t, reluSpec, 2, 5), mnistNet(t, reluSpec, 2, 6)
	same := func(x, y *Network) bool {
		for i, p := range x.Params() {
			for j, v := range p.Value.Data {
				if v != y.Params()[i].Value.Data[j] {
					return false
				}
			}
		}
		return true
	}
	if !same(a, b) || same(a, c) {
		t.Fatal("initial weights do not follow the seed")
	}
}

// TestTrainingStepDoesNotAllocate covers every layer kind.
func TestTrainingStepDoesNotAllocate(t *testing.T) {
	net := mnistNet(t, "conv:4x5x5 batchnorm maxpool:2 relu conv:6x3x3 l2pool:2 tanh avgpool:1 dropout:0.5 fc:30 batchnorm sigmoid softmax:10", 10, 1)
	rng := rand.New(rand.NewPCG(1, 1))
	x := randSlice(rng, 10*784, 1)
	labels := []int{0, 1, 2, 3, 4, 5, 6, 7, 8, 9}
	allocs := testing.AllocsPerRun(20, func() {
		net.Forward(x, 10, true)
		net.BackwardLabels(labels, 0, nil)
		net.Forward(x, 7, false)
	})
	if allocs != 0 {
		t.Fatalf("%v allocations per step", allocs)
	}
}

func TestForwardPanicsOnBadBatch(t *testing.T) {
	net := mnistNet(t, "fc:10 softmax:10", 4, 1)
	defer func() {
		if r := recover(); r == nil {
			t.Fatal("no panic for a batch larger than MaxBatch")
		}
	}()
	net.Forward(make([]float32, 5*784), 5, false)
}

// TestMultiChannelInput feeds NCHW images with 3 channels.
func TestMultiChannelInput(t *testing.T) {
	s, _ := ParseSpec("conv:2x3x3 relu fc:5 softmax:3")
	net, err := New(Config{Spec: s, In: Shape{C: 3, H: 5, W: 5}, MaxBatch: 2, Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(1, 1))
	x := randSlice(rng, 2*75, 1)
	both := append([]float32(nil), net.Forward(x, 2, false)...)
	second := net.Forward(x[75:], 1, false)
	for i, v := range second {
		if math.Abs(float64(v-both[3+i])) > 1e-6 {
			t.Fatalf("example 2 alone %v, in a batch %v", second, both[3:])
		}
	}
}

func ExampleParseSpec() {
	spec, err := ParseSpec("conv:20x5x5,maxpool:2,relu fc:100:relu softmax:10")
	if err != nil {
		panic(err)
	}
	fmt.Println(spec)
	fmt.Println(len(spec), "layers; the first has", spec[0].(ConvSpec).Maps, "feature maps")
	// Output:
	// conv:20x5x5 maxpool:2 relu fc:100 relu softmax:10
	// 6 layers; the first has 20 feature maps
}

func ExampleNew() {
	spec, _ := ParseSpec("conv:20x5x5 maxpool:2 relu fc:100:relu softmax:10")
	net, err := New(Config{Spec: spec, In: Shape{C: 1, H: 28, W: 28}, MaxBatch: 10, Seed: 1})
	if err != nil {
		panic(err)
	}
	for _, l := range net.Layers {
		fmt.Printf("%-12s → %s\n", l.Spec(), l.OutShape())
	}
	probs := net.Forward(make([]float32, 28*28), 1, false)
	fmt.Printf("%d class probabilities, P(0) = %.2f\n", len(probs), probs[0])
	// Output:
	// conv:20x5x5  → 20×24×24
	// maxpool:2    → 20×12×12
	// relu         → 20×12×12
	// fc:100       → 100
	// relu         → 100
	// softmax:10   → 10
	// 10 class probabilities, P(0) = 0.10
}

// TestInitPyTorch: every weight and bias, the softmax layer's too, within
// ±1/√fan_in and spread over it.
func TestInitPyTorch(t *testing.T) {
	spec, _ := ParseSpec("conv:4x5x5 relu fc:30 softmax:10")
	net, err := New(Config{Spec: spec, In: Shape{C: 2, H: 8, W: 8}, MaxBatch: 1, Seed: 1, Init: InitPyTorch})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		param int
		fanIn float64
	}{{0, 50}, {1, 50}, {2, 4 * 4 * 4}, {3, 4 * 4 * 4}, {4, 30}, {5, 30}} {
		p := net.Params()[c.param]
		k := 1 / math.Sqrt(c.fanIn)
		var lo, hi float32
		for _, v := range p.Value.Data {
			lo, hi = min(lo, v), max(hi, v)
		}
		if float64(hi) > k || float64(lo) < -k || float64(hi-lo) < k/2 {
			t.Errorf("%s in [%v, %v], want spread over ±%.3f", p.Name, lo, hi, k)
		}
	}
}
