//go:build amd64 && !purego

package f32

// activationVariants lists the implementations of Sigmoid and Tanh this
// processor runs: each entry's enable selects it (through hasAVX512 and
// hasAVX2, which simdVariants leaves as they are for AVX2) and returns a
// function that restores the default.
func activationVariants() []simdVariant {
	set := func(avx512, avx2 bool) func() func() {
		return func() func() {
			old512, old2 := hasAVX512, hasAVX2
			hasAVX512, hasAVX2 = avx512, avx2
			return func() { hasAVX512, hasAVX2 = old512, old2 }
		}
	}
	v := []simdVariant{{"go", set(false, false)}}
	if hasAVX2 {
		v = append(v, simdVariant{"avx2", set(false, true)})
	}
	if hasAVX512 {
		v = append(v, simdVariant{"avx512", set(true, hasAVX2)})
	}
	return v
}
