//go:build !amd64 || purego

package f32

func sgdUpdate(w, g []float32, lr, decay float32) { SGDUpdateRef(w, g, lr, decay) }

func momentumUpdate(w, g, v []float32, lr, decay, mu float32, nesterov bool) {
	MomentumUpdateRef(w, g, v, lr, decay, mu, nesterov)
}
