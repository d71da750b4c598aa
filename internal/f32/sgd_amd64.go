//go:build amd64 && !purego

package f32

//go:noescape
func sgdUpdateAVX512(n int, w, grad *float32, lr, decay float32)

//go:noescape
func momentumUpdateAVX512(n int, w, grad, v *float32, lr, decay, mu float32, nesterov bool)

func sgdUpdate(w, g []float32, lr, decay float32) {
	if !hasAVX512 || len(w) == 0 {
		SGDUpdateRef(w, g, lr, decay)
		return
	}
	_ = g[len(w)-1]
	sgdUpdateAVX512(len(w), &w[0], &g[0], lr, decay)
}

func momentumUpdate(w, g, v []float32, lr, decay, mu float32, nesterov bool) {
	if !hasAVX512 || len(w) == 0 {
		MomentumUpdateRef(w, g, v, lr, decay, mu, nesterov)
		return
	}
	_, _ = g[len(w)-1], v[len(w)-1]
	momentumUpdateAVX512(len(w), &w[0], &g[0], &v[0], lr, decay, mu, nesterov)
}
