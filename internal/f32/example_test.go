package f32_test

import (
	"fmt"

	"github.com/deepnet-go/deepnet/internal/f32"
)

func ExampleGemm() {
	// C = A·Bᵀ for A 2×3 and B 2×3 (a dense layer: rows of B are neurons).
	a := []float32{1, 2, 3, 4, 5, 6}
	b := []float32{1, 0, 0, 0, 1, 1}
	c := make([]float32, 4)
	f32.Gemm(false, true, 2, 2, 3, 1, a, 3, b, 3, 0, c, 2)
	fmt.Println(c)
	// Output: [1 5 4 11]
}

// squares fills out[i] = i²; each item is independent of the partition.
type squares struct{ out []float32 }

func (s *squares) Run(lo, hi int) {
	for i := lo; i < hi; i++ {
		s.out[i] = float32(i * i)
	}
}

func ExampleParallelFor() {
	s := &squares{out: make([]float32, 5)}
	f32.ParallelFor(len(s.out), s) // a pointer: no allocation
	fmt.Println(s.out)
	// Output: [0 1 4 9 16]
}
