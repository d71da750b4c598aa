package f32

import "fmt"

// kernelSet is one implementation of the GEMM inner kernels, chosen at run
// time (see defaultKernels). The driver in gemm_driver.go is shared by all.
type kernelSet struct {
	name string
	// mr, nr: the micro-kernel computes up to mr rows by exactly nr columns
	// of C from an A panel packed as k×mr' (mr' ≤ mr rows, row index
	// fastest) and a B panel whose k rows of nr floats are ldb apart.
	mr, nr int
	// masked reports that micro handles partial tiles (cols < nr) itself,
	// reading and writing only the first cols columns of B and C.
	masked bool
	micro  func(mr, cols, k int, a, b *float32, ldb int, c *float32, ldc int, alpha, beta float32)
	// microPack, when not nil, is micro reading B in place (ldb apart) that
	// also stores the zero-padded B panel it reads at bp (k rows of nr).
	microPack func(mr, cols, k int, a, b *float32, ldb int, c *float32, ldc int, alpha, beta float32, bp *float32)
	// dot, when not nil, computes an mi×nj block (mi ≤ dotMR, nj ≤ dotNR)
	// of C = A·Bᵀ from rows of A and B that are contiguous along k.
	dot          func(mi, nj, k int, a *float32, lda int, b *float32, ldb int, c *float32, ldc int, alpha, beta float32)
	dotMR, dotNR int
}

// Blocking parameters of the packed path. They depend on nothing but the
// problem, so every worker count sums in the same order.
const (
	gemmKC     = 256 // maximum k extent of a packed block
	gemmNC     = 512 // maximum n extent of a packed B block (multiple of every nr)
	gemmMCP    = 12  // A panels per packed A block
	gemmDotMin = 16  // minimum k for the dot path
	// gemmParMin is the m·n·k above which a product is split among workers.
	gemmParMin = 1 << 17
)

func gemmWith(ks *kernelSet, transA, transB bool, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int) {
	if m < 0 || n < 0 || k < 0 {
		panic(fmt.Sprintf("f32.Gemm: negative size m=%d n=%d k=%d", m, n, k))
	}
	checkMat("A", transA, m, k, a, lda)
	checkMat("B", transB, k, n, b, ldb)
	checkMat("C", false, m, n, c, ldc)
	if m == 0 || n == 0 {
		return
	}
	if k == 0 {
		scaleC(m, n, beta, c, ldc)
		return
	}
	t := gemmTask{ks: ks, transA: transA, transB: transB, m: m, n: n, k: k,
		alpha: alpha, a: a, lda: lda, b: b, ldb: ldb, beta: beta, c: c, ldc: ldc}
	t.plan()
	runGemm(&t)
}

// checkMat panics unless s holds a rows×cols matrix (cols×rows if trans)
// with row stride ld.
func checkMat(name string, trans bool, rows, cols int, s []float32, ld int) {
	if trans {
		rows, cols = cols, rows
	}
	if rows == 0 || cols == 0 {
		if ld < 0 {
			panic(fmt.Sprintf("f32.Gemm: negative ld%s=%d", name, ld))
		}
		return
	}
	if ld < cols {
		panic(fmt.Sprintf("f32.Gemm: ld of %s is %d, less than its row width %d", name, ld, cols))
	}
	if need := (rows-1)*ld + cols; len(s) < need {
		panic(fmt.Sprintf("f32.Gemm: %s has %d elements, needs %d (%d×%d, ld %d)", name, len(s), need, rows, cols, ld))
	}
}

// scaleC sets C = beta·C (C = 0 when beta is 0, without reading C).
func scaleC(m, n int, beta float32, c []float32, ldc int) {
	for i := 0; i < m; i++ {
		row := c[i*ldc : i*ldc+n]
		if beta == 0 {
			clear(row)
			continue
		}
		for j := range row {
			row[j] *= beta
		}
	}
}
