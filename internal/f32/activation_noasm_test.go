//go:build !amd64 || purego

package f32

func activationVariants() []simdVariant {
	return []simdVariant{{"go", func() func() { return func() {} }}}
}
