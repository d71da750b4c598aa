//go:build !amd64 || purego

package f32

func adamUpdate(w, g, m, v []float32, s *AdamScalars) { AdamUpdateRef(w, g, m, v, *s) }

func rmspropUpdate(w, g, v []float32, lr, decay, alpha, oneMinusAlpha, eps float32) {
	RMSpropUpdateRef(w, g, v, lr, decay, alpha, oneMinusAlpha, eps)
}
