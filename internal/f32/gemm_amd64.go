//go:build amd64 && !purego

package f32

//go:generate go run gen_asm.go

// avx512Kernels: 12×32 micro-kernel (24 zmm accumulators, masked edges) and
// 5×5 dot kernel for A·Bᵀ.
var avx512Kernels = &kernelSet{name: "avx512", mr: 12, nr: 32, masked: true,
	micro: microAVX512, microPack: microPackAVX512, dot: gemmDotAVX512, dotMR: 5, dotNR: 5}

// avx2Kernels: 6×16 micro-kernel (12 ymm accumulators).
var avx2Kernels = &kernelSet{name: "avx2", mr: 6, nr: 16, micro: microAVX2}

func microAVX512(mr, cols, k int, a, b *float32, ldb int, c *float32, ldc int, alpha, beta float32) {
	mask := uint32(1)<<cols - 1 // all ones when cols is 32
	gemmMicroAVX512(mr, k, a, b, ldb, c, ldc, alpha, beta, mask)
}

func microPackAVX512(mr, cols, k int, a, b *float32, ldb int, c *float32, ldc int, alpha, beta float32, bp *float32) {
	mask := uint32(1)<<cols - 1
	gemmMicroPackAVX512(mr, k, a, b, ldb, c, ldc, alpha, beta, mask, bp)
}

func microAVX2(mr, cols, k int, a, b *float32, ldb int, c *float32, ldc int, alpha, beta float32) {
	gemmMicroAVX2(mr, k, a, b, ldb, c, ldc, alpha, beta)
}

// kernelSets lists the kernel sets this processor runs, fastest first.
func kernelSets() []*kernelSet {
	var s []*kernelSet
	if hasAVX512 {
		s = append(s, avx512Kernels)
	}
	if hasAVX2 {
		s = append(s, avx2Kernels)
	}
	return append(s, genericKernels)
}

var defaultKernels = kernelSets()[0]
