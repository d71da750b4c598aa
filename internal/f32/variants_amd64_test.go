//go:build amd64 && !purego

package f32

// simdVariants lists the implementations of the non-GEMM kernels: each
// entry's enable selects it and returns a function that restores the
// default.
func simdVariants() []simdVariant {
	v := []simdVariant{{"go", func() func() {
		old := hasAVX512
		hasAVX512 = false
		return func() { hasAVX512 = old }
	}}}
	if hasAVX512 {
		v = append(v, simdVariant{"avx512", func() func() { return func() {} }})
	}
	return v
}
