//go:build !amd64 || purego

package f32

func sigmoid(x, y []float32) { sigmoidGo(x, y) }

func tanh(x, y []float32) { tanhGo(x, y) }
