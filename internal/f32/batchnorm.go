package f32

import "fmt"

// Batch normalisation kernels, for one channel's contiguous run of values
// (images, [C][N][H][W]) or for a range of columns of an m×n matrix whose
// columns are the channels (flat activations, [N][F]). They are serial:
// the layer splits its channels among the workers. The float32 kernels
// never fuse a multiply and an add and match their Ref twins bit for bit;
// the float64 sums match theirs bit for bit too (products of two float32
// values are exact in float64).

// BatchNormSumsRef returns Σa[i] and Σa[i]·b[i] for i < len(a),
// accumulated in float64 as SumRowsRef sums a row: element i is added to
// partial sum i mod 32 (one set of partials for each sum), in order of i,
// and each set of 32 partials is added pairwise (p[l] += p[l+16], then
// p[l] += p[l+8], … down to p[0]). With b = a it returns Σa and Σa².
func BatchNormSumsRef(a, b []float32) (sa, sab float64) {
	var p, q [sumLanes]float64
	b = b[:len(a)]
	for i, v := range a {
		x := float64(v)
		p[i%sumLanes] += x
		q[i%sumLanes] += float64(x * float64(b[i]))
	}
	return reduceLanes64(&p), reduceLanes64(&q)
}

// BatchNormSums returns Σa[i] and Σa[i]·b[i] for i < len(a), in float64,
// bit-identical to BatchNormSumsRef (AVX-512 where available).
func BatchNormSums(a, b []float32) (sa, sab float64) {
	if len(b) < len(a) {
		panic(fmt.Sprintf("f32.BatchNormSums: %d values, %d factors", len(a), len(b)))
	}
	var p, q [sumLanes]float64
	nb := len(a) / sumLanes * sumLanes
	bnSumBlocks(a[:nb], b[:nb], &p, &q)
	for j := nb; j < len(a); j++ {
		x := float64(a[j])
		p[j-nb] += x
		q[j-nb] += float64(x * float64(b[j]))
	}
	return reduceLanes64(&p), reduceLanes64(&q)
}

// reduceLanes64 adds the partial sums pairwise in the order
// BatchNormSumsRef states.
func reduceLanes64(p *[sumLanes]float64) float64 {
	for w := sumLanes / 2; w >= 1; w /= 2 {
		for l := 0; l < w; l++ {
			p[l] += p[l+w]
		}
	}
	return p[0]
}

// bnSumBlocksGo adds a and a·b (a multiple of sumLanes floats) into p and
// q lane by lane, in the order of BatchNormSumsRef.
func bnSumBlocksGo(a, b []float32, p, q *[sumLanes]float64) {
	b = b[:len(a)]
	for j := 0; j+sumLanes <= len(a); j += sumLanes {
		ab, bb := a[j:j+sumLanes], b[j:j+sumLanes]
		for l, v := range ab {
			x := float64(v)
			p[l] += x
			q[l] += float64(x * float64(bb[l]))
		}
	}
}

// BatchNormSumsColsRef adds, for every column j < n of the m×n matrices a
// and b (row stride ld), Σᵢ a[i][j] to s[j] and Σᵢ a[i][j]·b[i][j] to
// q[j], in float64, one row after the other (in order of i).
func BatchNormSumsColsRef(m, n int, a, b []float32, ld int, s, q []float64) {
	for i := 0; i < m; i++ {
		for j := 0; j < n; j++ {
			x := float64(a[i*ld+j])
			s[j] += x
			q[j] += float64(x * float64(b[i*ld+j]))
		}
	}
}

// BatchNormSumsCols adds the column sums of a and of a·b to s and q,
// bit-identical to BatchNormSumsColsRef: whole rows at a time, so that the
// inner loop runs over contiguous columns.
func BatchNormSumsCols(m, n int, a, b []float32, ld int, s, q []float64) {
	if m <= 0 || n <= 0 {
		return
	}
	checkBNMat("BatchNormSumsCols", "a", m, n, a, ld)
	checkBNMat("BatchNormSumsCols", "b", m, n, b, ld)
	s, q = s[:n], q[:n]
	for i := 0; i < m; i++ {
		bnSumsRow(a[i*ld:i*ld+n], b[i*ld:i*ld+n], s, q)
	}
}

// bnSumsRowGo is one row of BatchNormSumsColsRef.
func bnSumsRowGo(a, b []float32, s, q []float64) {
	b, s, q = b[:len(a)], s[:len(a)], q[:len(a)]
	for j, v := range a {
		x := float64(v)
		s[j] += x
		q[j] += float64(x * float64(b[j]))
	}
}

// BatchNormNormalizeRef sets xhat[i] = (x[i]-mean)·istd and
// y[i] = gamma·xhat[i] + beta for i < len(x), each operation rounded to
// float32.
func BatchNormNormalizeRef(x []float32, mean, istd, gamma, beta float32, xhat, y []float32) {
	xhat, y = xhat[:len(x)], y[:len(x)]
	for i, v := range x {
		h := (v - mean) * istd
		xhat[i] = h
		y[i] = float32(gamma*h) + beta
	}
}

// BatchNormNormalize is BatchNormNormalizeRef, bit for bit (AVX-512 where
// available).
func BatchNormNormalize(x []float32, mean, istd, gamma, beta float32, xhat, y []float32) {
	if len(xhat) < len(x) || len(y) < len(x) {
		panic(fmt.Sprintf("f32.BatchNormNormalize: %d values, xhat %d, y %d", len(x), len(xhat), len(y)))
	}
	bnNormalize(x, mean, istd, gamma, beta, xhat, y)
}

// BatchNormNormalizeColsRef is BatchNormNormalizeRef for every column
// j < n of the m×n matrices x, xhat and y (row stride ld), with column j's
// mean[j], istd[j], gamma[j] and beta[j].
func BatchNormNormalizeColsRef(m, n int, x []float32, ld int, mean, istd, gamma, beta []float32, xhat, y []float32) {
	for i := 0; i < m; i++ {
		for j := 0; j < n; j++ {
			h := (x[i*ld+j] - mean[j]) * istd[j]
			xhat[i*ld+j] = h
			y[i*ld+j] = float32(gamma[j]*h) + beta[j]
		}
	}
}

// BatchNormNormalizeCols is BatchNormNormalizeColsRef, bit for bit, a row
// at a time.
func BatchNormNormalizeCols(m, n int, x []float32, ld int, mean, istd, gamma, beta []float32, xhat, y []float32) {
	if m <= 0 || n <= 0 {
		return
	}
	checkBNMat("BatchNormNormalizeCols", "x", m, n, x, ld)
	checkBNMat("BatchNormNormalizeCols", "xhat", m, n, xhat, ld)
	checkBNMat("BatchNormNormalizeCols", "y", m, n, y, ld)
	mean, istd, gamma, beta = mean[:n], istd[:n], gamma[:n], beta[:n]
	for i := 0; i < m; i++ {
		r := i * ld
		bnNormalizeRow(x[r:r+n], mean, istd, gamma, beta, xhat[r:r+n], y[r:r+n])
	}
}

// bnNormalizeRowGo is one row of BatchNormNormalizeColsRef.
func bnNormalizeRowGo(x, mean, istd, gamma, beta, xhat, y []float32) {
	n := len(x)
	mean, istd, gamma, beta, xhat, y = mean[:n], istd[:n], gamma[:n], beta[:n], xhat[:n], y[:n]
	for j, v := range x {
		h := (v - mean[j]) * istd[j]
		xhat[j] = h
		y[j] = float32(gamma[j]*h) + beta[j]
	}
}

// BatchNormInputGradRef sets gx[i] = k·(gy[i] - mg - xhat[i]·mgx) for
// i < len(gy), each operation rounded to float32 in that order
// ((gy[i]-mg) first, then the product subtracted, then the scaling).
func BatchNormInputGradRef(gy, xhat []float32, k, mg, mgx float32, gx []float32) {
	xhat, gx = xhat[:len(gy)], gx[:len(gy)]
	for i, v := range gy {
		gx[i] = k * (v - mg - float32(xhat[i]*mgx))
	}
}

// BatchNormInputGrad is BatchNormInputGradRef, bit for bit (AVX-512 where
// available).
func BatchNormInputGrad(gy, xhat []float32, k, mg, mgx float32, gx []float32) {
	if len(xhat) < len(gy) || len(gx) < len(gy) {
		panic(fmt.Sprintf("f32.BatchNormInputGrad: %d gradients, xhat %d, gx %d", len(gy), len(xhat), len(gx)))
	}
	bnInputGrad(gy, xhat, k, mg, mgx, gx)
}

// BatchNormInputGradColsRef is BatchNormInputGradRef for every column
// j < n of the m×n matrices gy, xhat and gx (row stride ld), with column
// j's k[j], mg[j] and mgx[j].
func BatchNormInputGradColsRef(m, n int, gy, xhat []float32, ld int, k, mg, mgx []float32, gx []float32) {
	for i := 0; i < m; i++ {
		for j := 0; j < n; j++ {
			gx[i*ld+j] = k[j] * (gy[i*ld+j] - mg[j] - float32(xhat[i*ld+j]*mgx[j]))
		}
	}
}

// BatchNormInputGradCols is BatchNormInputGradColsRef, bit for bit, a row
// at a time.
func BatchNormInputGradCols(m, n int, gy, xhat []float32, ld int, k, mg, mgx []float32, gx []float32) {
	if m <= 0 || n <= 0 {
		return
	}
	checkBNMat("BatchNormInputGradCols", "gy", m, n, gy, ld)
	checkBNMat("BatchNormInputGradCols", "xhat", m, n, xhat, ld)
	checkBNMat("BatchNormInputGradCols", "gx", m, n, gx, ld)
	k, mg, mgx = k[:n], mg[:n], mgx[:n]
	for i := 0; i < m; i++ {
		r := i * ld
		bnInputGradRow(gy[r:r+n], xhat[r:r+n], k, mg, mgx, gx[r:r+n])
	}
}

// bnInputGradRowGo is one row of BatchNormInputGradColsRef.
func bnInputGradRowGo(gy, xhat, k, mg, mgx, gx []float32) {
	n := len(gy)
	xhat, k, mg, mgx, gx = xhat[:n], k[:n], mg[:n], mgx[:n], gx[:n]
	for j, v := range gy {
		gx[j] = k[j] * (v - mg[j] - float32(xhat[j]*mgx[j]))
	}
}

// checkBNMat panics unless s holds an m×n matrix of row stride ld.
func checkBNMat(fn, name string, m, n int, s []float32, ld int) {
	if ld < n {
		panic(fmt.Sprintf("f32.%s: ld %d less than the row width %d", fn, ld, n))
	}
	if need := (m-1)*ld + n; len(s) < need {
		panic(fmt.Sprintf("f32.%s: %s has %d elements, needs %d (%d×%d, ld %d)", fn, name, len(s), need, m, n, ld))
	}
}
