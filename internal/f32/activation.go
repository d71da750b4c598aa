package f32

import "math"

// SigmoidRef sets y[i] = 1/(1+e^-x[i]), computed in float64 without
// overflow for large |x|.
func SigmoidRef(x, y []float32) {
	y = y[:len(x)]
	for i, v := range x {
		if v >= 0 {
			y[i] = float32(1 / (1 + math.Exp(-float64(v))))
		} else {
			e := math.Exp(float64(v))
			y[i] = float32(e / (1 + e))
		}
	}
}

// TanhRef sets y[i] = tanh(x[i]), computed in float64.
func TanhRef(x, y []float32) {
	y = y[:len(x)]
	for i, v := range x {
		y[i] = float32(math.Tanh(float64(v)))
	}
}

// Sigmoid is SigmoidRef. x and y may be the same slice.
func Sigmoid(x, y []float32) { SigmoidRef(x, y) }

// Tanh is TanhRef. x and y may be the same slice.
func Tanh(x, y []float32) { TanhRef(x, y) }
