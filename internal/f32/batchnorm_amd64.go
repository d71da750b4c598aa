//go:build amd64 && !purego

package f32

//go:noescape
func bnSumBlocksAVX512(n int, a, b *float32, p, q *[sumLanes]float64)

//go:noescape
func bnSumsRowAVX512(n int, a, b *float32, s, q *float64)

//go:noescape
func bnNormalizeAVX512(n int, x *float32, mean, istd, gamma, beta float32, xhat, y *float32)

//go:noescape
func bnNormalizeRowAVX512(n int, x, mean, istd, gamma, beta, xhat, y *float32)

//go:noescape
func bnInputGradAVX512(n int, gy, xhat *float32, k, mg, mgx float32, gx *float32)

//go:noescape
func bnInputGradRowAVX512(n int, gy, xhat, k, mg, mgx, gx *float32)

func bnSumBlocks(a, b []float32, p, q *[sumLanes]float64) {
	if !hasAVX512 || len(a) == 0 {
		bnSumBlocksGo(a, b, p, q)
		return
	}
	_ = b[len(a)-1]
	bnSumBlocksAVX512(len(a), &a[0], &b[0], p, q)
}

func bnSumsRow(a, b []float32, s, q []float64) {
	if !hasAVX512 || len(a) == 0 {
		bnSumsRowGo(a, b, s, q)
		return
	}
	_, _, _ = b[len(a)-1], s[len(a)-1], q[len(a)-1]
	bnSumsRowAVX512(len(a), &a[0], &b[0], &s[0], &q[0])
}

func bnNormalize(x []float32, mean, istd, gamma, beta float32, xhat, y []float32) {
	if !hasAVX512 || len(x) == 0 {
		BatchNormNormalizeRef(x, mean, istd, gamma, beta, xhat, y)
		return
	}
	_, _ = xhat[len(x)-1], y[len(x)-1]
	bnNormalizeAVX512(len(x), &x[0], mean, istd, gamma, beta, &xhat[0], &y[0])
}

func bnNormalizeRow(x, mean, istd, gamma, beta, xhat, y []float32) {
	if !hasAVX512 || len(x) == 0 {
		bnNormalizeRowGo(x, mean, istd, gamma, beta, xhat, y)
		return
	}
	n := len(x) - 1
	_, _, _, _, _, _ = mean[n], istd[n], gamma[n], beta[n], xhat[n], y[n]
	bnNormalizeRowAVX512(len(x), &x[0], &mean[0], &istd[0], &gamma[0], &beta[0], &xhat[0], &y[0])
}

func bnInputGrad(gy, xhat []float32, k, mg, mgx float32, gx []float32) {
	if !hasAVX512 || len(gy) == 0 {
		BatchNormInputGradRef(gy, xhat, k, mg, mgx, gx)
		return
	}
	_, _ = xhat[len(gy)-1], gx[len(gy)-1]
	bnInputGradAVX512(len(gy), &gy[0], &xhat[0], k, mg, mgx, &gx[0])
}

func bnInputGradRow(gy, xhat, k, mg, mgx, gx []float32) {
	if !hasAVX512 || len(gy) == 0 {
		bnInputGradRowGo(gy, xhat, k, mg, mgx, gx)
		return
	}
	n := len(gy) - 1
	_, _, _, _, _ = xhat[n], k[n], mg[n], mgx[n], gx[n]
	bnInputGradRowAVX512(len(gy), &gy[0], &xhat[0], &k[0], &mg[0], &mgx[0], &gx[0])
}
