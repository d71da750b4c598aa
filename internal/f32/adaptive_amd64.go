//go:build amd64 && !purego

package f32

//go:noescape
func adamUpdateAVX512(n int, w, grad, m, v *float32, s *AdamScalars)

//go:noescape
func rmspropUpdateAVX512(n int, w, grad, v *float32, lr, decay, alpha, oneMinusAlpha, eps float32)

func adamUpdate(w, g, m, v []float32, s *AdamScalars) {
	if !hasAVX512 || len(w) == 0 {
		AdamUpdateRef(w, g, m, v, *s)
		return
	}
	_, _, _ = g[len(w)-1], m[len(w)-1], v[len(w)-1]
	adamUpdateAVX512(len(w), &w[0], &g[0], &m[0], &v[0], s)
}

func rmspropUpdate(w, g, v []float32, lr, decay, alpha, oneMinusAlpha, eps float32) {
	if !hasAVX512 || len(w) == 0 {
		RMSpropUpdateRef(w, g, v, lr, decay, alpha, oneMinusAlpha, eps)
		return
	}
	_, _ = g[len(w)-1], v[len(w)-1]
	rmspropUpdateAVX512(len(w), &w[0], &g[0], &v[0], lr, decay, alpha, oneMinusAlpha, eps)
}
