package nn_test

import (
	"bufio"
	"fmt"
	"maps"
	"math"
	"os"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/deepnet-go/deepnet/nn"
)

// chapter6Doc is the walkthrough whose worked example this file checks.
const chapter6Doc = "../docs/CHAPTER6.md"

// numbersMarker precedes each fenced block of docs/CHAPTER6.md whose
// numbers TestChapter6Numbers recomputes.
const numbersMarker = "<!-- numbers: nn/chapter6_test.go -->"

// goMarker precedes each fenced Go block of docs/CHAPTER6.md that is a
// test function's code in the file it names, such as
// "<!-- go: nn/chapter6_test.go -->".
var goMarker = regexp.MustCompile(`^<!-- go: (\S+) -->$`)

// Example_chapter6Shapes prints what each layer of the chapter's first
// convolutional network makes of a 28×28 image, and how many weights and
// biases it has (docs/CHAPTER6.md, "Shared weights and biases").
func Example_chapter6Shapes() {
	spec, _ := nn.ParseSpec("conv:20x5x5 maxpool:2 sigmoid fc:100:sigmoid softmax:10")
	plans, _ := nn.Plan(spec, nn.Shape{C: 1, H: 28, W: 28})
	for _, p := range plans {
		var n int64
		for _, q := range p.Params {
			n += q.Len()
		}
		fmt.Printf("%-13s %8s → %-8s %6d parameters\n", p.Spec, p.In, p.Out, n)
	}
	strided, _ := nn.ParseSpec("conv:20x5x5/2") // stride 2
	plans, _ = nn.Plan(strided, nn.Shape{C: 1, H: 28, W: 28})
	fmt.Printf("%-13s %8s → %s\n", plans[0].Spec, plans[0].In, plans[0].Out)
	// Output:
	// conv:20x5x5    1×28×28 → 20×24×24    520 parameters
	// maxpool:2     20×24×24 → 20×12×12      0 parameters
	// sigmoid       20×12×12 → 20×12×12      0 parameters
	// fc:100        20×12×12 → 100      288100 parameters
	// sigmoid            100 → 100           0 parameters
	// softmax:10         100 → 10         1010 parameters
	// conv:20x5x5/2  1×28×28 → 20×12×12
}

// Example_chapter6 is the worked example of docs/CHAPTER6.md ("A
// convolution by hand") in deepnet's layers: a 3×3 image, one 2×2
// kernel with stride 1, a 2×2 max-pool, the cost ½(m − y)², and the
// backward pass. The walkthrough shows these lines and their output.
func Example_chapter6() {
	conv, _ := nn.NewConv(nn.ConvSpec{Maps: 1, KH: 2, KW: 2}, nn.Shape{C: 1, H: 3, W: 3}, 1, true, "0")
	pool, _ := nn.NewPool(nn.PoolSpec{Op: nn.MaxPool, KH: 2, KW: 2}, conv.OutShape(), 1)
	copy(conv.W.Value.Data, []float32{1, -1, 0, 2}) // the kernel w, row by row
	conv.B.Value.Data[0] = 1                        // the shared bias b
	x := []float32{1, 2, 0, 3, 1, 1, 0, 2, 1}       // the image, row by row
	z := conv.Forward(x, 1, true)                   // the feature map, 2×2
	m := pool.Forward(z, 1, true)[0]                // its maximum
	y := float32(5)                                 // the target
	fmt.Println("z =", z, " m =", m, " C =", (m-y)*(m-y)/2)
	dz := pool.Backward([]float32{m - y}) // ∂C/∂m = m − y, routed to the maximum
	dx := conv.Backward(dz)
	fmt.Println("∂C/∂z =", dz, " ∂C/∂b =", conv.B.Grad.Data[0])
	fmt.Println("∂C/∂w =", conv.W.Grad.Data, " ∂C/∂x =", dx)
	// Output:
	// z = [2 5 7 3]  m = 7  C = 2
	// ∂C/∂z = [0 0 2 0]  ∂C/∂b = 2
	// ∂C/∂w = [6 2 0 4]  ∂C/∂x = [0 0 0 2 -2 0 0 4 0]
}

// docNumber is a number as the walkthrough prints it, with the number of
// its decimals, so that it is compared to the precision it is shown with.
type docNumber struct {
	v        float64
	decimals int
}

// docMatrix is a named matrix of a numbers block: one row a line.
type docMatrix [][]docNumber

// readNumbers returns the matrices of every block of doc that follows
// numbersMarker. A line "NAME = 1 2 3  # comment" starts matrix NAME;
// the lines after it that hold numbers only add rows to it.
func readNumbers(t *testing.T, doc string) map[string]docMatrix {
	t.Helper()
	got := map[string]docMatrix{}
	blocks := 0
	lines := strings.Split(doc, "\n")
	for i := 0; i < len(lines); i++ {
		if strings.TrimSpace(lines[i]) != numbersMarker {
			continue
		}
		if i+1 >= len(lines) || !strings.HasPrefix(lines[i+1], "```") {
			t.Fatalf("%s:%d: %s is not followed by a fenced block", chapter6Doc, i+1, numbersMarker)
		}
		blocks++
		name := ""
		for i += 2; i < len(lines) && !strings.HasPrefix(lines[i], "```"); i++ {
			line, _, _ := strings.Cut(lines[i], "#")
			if strings.TrimSpace(line) == "" {
				continue
			}
			if n, rest, ok := strings.Cut(line, " = "); ok {
				name, line = strings.TrimSpace(n), rest
				if _, dup := got[name]; dup {
					t.Fatalf("%s:%d: %q given twice", chapter6Doc, i+1, name)
				}
				got[name] = nil
			} else if name == "" {
				t.Fatalf("%s:%d: numbers before any name: %q", chapter6Doc, i+1, lines[i])
			}
			var row []docNumber
			for _, f := range strings.Fields(line) {
				v, err := strconv.ParseFloat(f, 64)
				if err != nil {
					t.Fatalf("%s:%d: %q is not a number", chapter6Doc, i+1, f)
				}
				_, frac, _ := strings.Cut(f, ".")
				row = append(row, docNumber{v, len(frac)})
			}
			got[name] = append(got[name], row)
		}
	}
	if blocks == 0 {
		t.Fatalf("%s: no block marked %s", chapter6Doc, numbersMarker)
	}
	return got
}

// TestChapter6Numbers: every number of the worked example of
// docs/CHAPTER6.md is what deepnet's convolution and pooling layers
// compute, forward and backward, to the decimals the page shows; the
// page gives every matrix the test knows and no other.
func TestChapter6Numbers(t *testing.T) {
	doc, err := os.ReadFile(chapter6Doc)
	if err != nil {
		t.Fatal(err)
	}
	given := readNumbers(t, string(doc))
	in := func(name string, rows, cols int) []float32 {
		m, ok := given[name]
		if !ok {
			t.Fatalf("%s: no %q", chapter6Doc, name)
		}
		var v []float32
		for _, row := range m {
			if len(row) != cols {
				t.Fatalf("%s: %q has a row of %d numbers, want %d", chapter6Doc, name, len(row), cols)
			}
			for _, x := range row {
				v = append(v, float32(x.v))
			}
		}
		if len(m) != rows {
			t.Fatalf("%s: %q has %d rows, want %d", chapter6Doc, name, len(m), rows)
		}
		return v
	}
	checked := map[string]bool{}
	check := func(name string, want []float32, rows, cols int) {
		t.Helper()
		checked[name] = true
		m, ok := given[name]
		if !ok {
			t.Errorf("%s: no %q (deepnet computes %v)", chapter6Doc, name, want)
			return
		}
		if len(m) != rows {
			t.Errorf("%s: %q has %d rows, deepnet's %d×%d: %v", chapter6Doc, name, len(m), rows, cols, want)
			return
		}
		for i, row := range m {
			if len(row) != cols {
				t.Errorf("%s: %q has a row of %d numbers, deepnet's %d×%d: %v", chapter6Doc, name, len(row), rows, cols, want)
				return
			}
			for j, x := range row {
				tol := 0.5*math.Pow(10, -float64(x.decimals)) + 1e-6
				if g := float64(want[i*cols+j]); math.Abs(g-x.v) > tol {
					t.Errorf("%s: %q[%d][%d] = %v, deepnet computes %.6g", chapter6Doc, name, i, j, x.v, g)
				}
			}
		}
	}
	for _, name := range []string{"x", "w", "b", "y", "η"} {
		checked[name] = true
	}
	x, w, b, y, eta := in("x", 3, 3), in("w", 2, 2), in("b", 1, 1)[0], in("y", 1, 1)[0], in("η", 1, 1)[0]

	conv, err := nn.NewConv(nn.ConvSpec{Maps: 1, KH: 2, KW: 2}, nn.Shape{C: 1, H: 3, W: 3}, 1, true, "0")
	if err != nil {
		t.Fatal(err)
	}
	pool, err := nn.NewPool(nn.PoolSpec{Op: nn.MaxPool, KH: 2, KW: 2}, conv.OutShape(), 1)
	if err != nil {
		t.Fatal(err)
	}
	copy(conv.W.Value.Data, w)
	conv.B.Value.Data[0] = b
	forward := func() (z []float32, m, cost float32) {
		z = append([]float32(nil), conv.Forward(x, 1, true)...)
		m = pool.Forward(z, 1, true)[0]
		return z, m, (m - y) * (m - y) / 2
	}

	// Forward: the feature map, its maximum, the cost.
	z, m, cost := forward()
	check("z", z, 2, 2)
	check("m", []float32{m}, 1, 1)
	check("C", []float32{cost}, 1, 1)

	// Backward: ∂C/∂m = m − y through the pooling, then the convolution.
	check("∂C/∂m", []float32{m - y}, 1, 1)
	dz := append([]float32(nil), pool.Backward([]float32{m - y})...)
	check("∂C/∂z", dz, 2, 2)
	dx := conv.Backward(dz)
	check("∂C/∂w", conv.W.Grad.Data, 2, 2)
	check("∂C/∂b", conv.B.Grad.Data, 1, 1)
	check("∂C/∂x", dx, 3, 3)

	// One step of gradient descent, w − η·∂C/∂w and b − η·∂C/∂b, and the
	// forward pass again.
	for i, g := range conv.W.Grad.Data {
		conv.W.Value.Data[i] -= eta * g
	}
	conv.B.Value.Data[0] -= eta * conv.B.Grad.Data[0]
	check("w'", conv.W.Value.Data, 2, 2)
	check("b'", conv.B.Value.Data, 1, 1)
	z2, m2, cost2 := forward()
	check("z'", z2, 2, 2)
	check("m'", []float32{m2}, 1, 1)
	check("C'", []float32{cost2}, 1, 1)

	// The same feature map L2-pooled, and the convolution with stride 2.
	l2, err := nn.NewPool(nn.PoolSpec{Op: nn.L2Pool, KH: 2, KW: 2}, conv.OutShape(), 1)
	if err != nil {
		t.Fatal(err)
	}
	check("L2-pooled z", l2.Forward(z, 1, false), 1, 1)
	strided, err := nn.NewConv(nn.ConvSpec{Maps: 1, KH: 2, KW: 2, Stride: 2}, nn.Shape{C: 1, H: 3, W: 3}, 1, false, "0")
	if err != nil {
		t.Fatal(err)
	}
	copy(strided.W.Value.Data, w)
	strided.B.Value.Data[0] = b
	check("z with stride 2", strided.Forward(x, 1, false), 1, 1)

	for name := range given {
		if !checked[name] {
			t.Errorf("%s: %q is not a number the test knows (it checks %v)", chapter6Doc, name, slices.Sorted(maps.Keys(checked)))
		}
	}
}

// TestChapter6Go: each Go block of docs/CHAPTER6.md marked
// "<!-- go: FILE -->" is consecutive lines of FILE (blank lines and
// the width of white space aside): code that a test file compiles and,
// for an Example, whose output it checks.
func TestChapter6Go(t *testing.T) {
	doc, err := os.ReadFile(chapter6Doc)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(string(doc), "\n")
	blocks := 0
	for i := 0; i < len(lines); i++ {
		mk := goMarker.FindStringSubmatch(strings.TrimSpace(lines[i]))
		if mk == nil {
			continue
		}
		if i+1 >= len(lines) || lines[i+1] != "```go" {
			t.Fatalf("%s:%d: %s is not followed by a ```go block", chapter6Doc, i+1, lines[i])
		}
		blocks++
		var code []string
		for i += 2; i < len(lines) && !strings.HasPrefix(lines[i], "```"); i++ {
			if s := strings.Join(strings.Fields(lines[i]), " "); s != "" {
				code = append(code, s)
			}
		}
		src, err := os.ReadFile("../" + mk[1])
		if err != nil {
			t.Fatalf("%s: %v", chapter6Doc, err)
		}
		var have []string
		sc := bufio.NewScanner(strings.NewReader(string(src)))
		for sc.Scan() {
			if s := strings.Join(strings.Fields(sc.Text()), " "); s != "" {
				have = append(have, s)
			}
		}
		if !contains(have, code) {
			t.Errorf("%s: the Go block before line %d is not, line for line, code of %s:\n%s", chapter6Doc, i+1, mk[1], strings.Join(code, "\n"))
		}
	}
	if blocks == 0 {
		t.Fatalf("%s: no Go block marked <!-- go: FILE -->", chapter6Doc)
	}
}

// contains reports whether block is a run of consecutive lines of src.
func contains(src, block []string) bool {
	for i := 0; i+len(block) <= len(src); i++ {
		if slices.Equal(src[i:i+len(block)], block) {
			return true
		}
	}
	return false
}
