//go:build !amd64 || purego

package f32

func bnSumBlocks(a, b []float32, p, q *[sumLanes]float64) { bnSumBlocksGo(a, b, p, q) }

func bnSumsRow(a, b []float32, s, q []float64) { bnSumsRowGo(a, b, s, q) }

func bnNormalize(x []float32, mean, istd, gamma, beta float32, xhat, y []float32) {
	BatchNormNormalizeRef(x, mean, istd, gamma, beta, xhat, y)
}

func bnNormalizeRow(x, mean, istd, gamma, beta, xhat, y []float32) {
	bnNormalizeRowGo(x, mean, istd, gamma, beta, xhat, y)
}

func bnInputGrad(gy, xhat []float32, k, mg, mgx float32, gx []float32) {
	BatchNormInputGradRef(gy, xhat, k, mg, mgx, gx)
}

func bnInputGradRow(gy, xhat, k, mg, mgx, gx []float32) {
	bnInputGradRowGo(gy, xhat, k, mg, mgx, gx)
}
