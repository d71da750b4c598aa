package nn

import "github.com/deepnet-go/deepnet/internal/f32"

// lstmCell is the LSTM unit, as PyTorch's nn.LSTM computes it, with its
// four gates in PyTorch's order (input, forget, cell, output):
//
//	i = σ(W_i x + b_i + U_i h + c_i)    f = σ(W_f x + b_f + U_f h + c_f)
//	g = tanh(W_g x + b_g + U_g h + c_g) o = σ(W_o x + b_o + U_o h + c_o)
//	c' = f⊙c + i⊙g                     h' = o⊙tanh(c')
var lstmCell = cell{gates: 4, extraStates: 2, forward: lstmForward, backward: lstmBackward}

// lstmForward computes step t of the examples [r0, r1): the gates from
// a[t] + U h, then c and h.
func lstmForward(lv *level, t, n, r0, r1 int) {
	h, g := lv.h, 4*lv.h
	a := lv.a[(t*n+r0)*g : (t*n+r1)*g]
	f32.Gemm(false, false, r1-r0, g, h, 1, lv.hs[(t*n+r0)*h:(t*n+r1)*h], h, lv.ut, g, 1, a, g)
	for i := r0; i < r1; i++ {
		row := lv.a[(t*n+i)*g : (t*n+i+1)*g]
		f32.Sigmoid(row[:2*h], row[:2*h]) // i, f
		f32.Tanh(row[2*h:3*h], row[2*h:3*h])
		f32.Sigmoid(row[3*h:], row[3*h:])
		ig, fg, gg, og := row[:h], row[h:2*h], row[2*h:3*h], row[3*h:4*h]
		off := (t*n + i) * h
		cPrev, c := lv.cs[off:off+h], lv.cs[off+n*h:off+n*h+h]
		for j := range c {
			c[j] = fg[j]*cPrev[j] + ig[j]*gg[j]
		}
		tc, hNew := lv.tc[off:off+h], lv.hs[off+n*h:off+n*h+h]
		f32.Tanh(c, tc)
		for j := range hNew {
			hNew[j] = og[j] * tc[j]
		}
	}
}

// lstmBackward turns dh (of h after step t) and dc into the gates'
// gradients dA[t] (the same for the input's and the hidden products), and
// carries dc to the step before; dhPrev gets no direct part.
func lstmBackward(lv *level, t, n, r0, r1 int, dh, dhPrev []float32) {
	h, g := lv.h, 4*lv.h
	clear(dhPrev[r0*h : r1*h])
	for i := r0; i < r1; i++ {
		row, d := lv.a[(t*n+i)*g:(t*n+i+1)*g], lv.dA[(t*n+i)*g:(t*n+i+1)*g]
		off := (t*n + i) * h
		cPrev, tc := lv.cs[off:off+h], lv.tc[off:off+h]
		dhi, dc := dh[i*h:(i+1)*h], lv.dc[i*h:(i+1)*h]
		// Each gate's values and gradients as slices of exactly h, so that
		// the loop runs without bounds checks.
		ig, fg, gg, og := row[:h], row[h:2*h], row[2*h:3*h], row[3*h:4*h]
		di, df, dg, do := d[:h], d[h:2*h], d[2*h:3*h], d[3*h:4*h]
		cPrev, tc, dhi, dc = cPrev[:h], tc[:h], dhi[:h], dc[:h]
		for j := range dc {
			i, f, g, o, tcj := ig[j], fg[j], gg[j], og[j], tc[j]
			dcj := dc[j] + dhi[j]*o*(1-tcj*tcj)
			di[j] = dcj * g * i * (1 - i)
			df[j] = dcj * cPrev[j] * f * (1 - f)
			dg[j] = dcj * i * (1 - g*g)
			do[j] = dhi[j] * tcj * o * (1 - o)
			dc[j] = dcj * f
		}
	}
}
