package nn

import "github.com/deepnet-go/deepnet/internal/f32"

// lstmCell is the LSTM unit, as PyTorch's nn.LSTM computes it, with its
// four gates in PyTorch's order (input, forget, cell, output):
//
//	i = σ(W_i x + b_i + U_i h + c_i)    f = σ(W_f x + b_f + U_f h + c_f)
//	g = tanh(W_g x + b_g + U_g h + c_g) o = σ(W_o x + b_o + U_o h + c_o)
//	c' = f⊙c + i⊙g                     h' = o⊙tanh(c')
var lstmCell = cell{gates: 4, extraStates: 2, forward: lstmForward, backward: lstmBackward}

// lstmForward computes step t: the gates from a[t] + U h, then c and h.
func lstmForward(lv *level, t, n int) {
	h, g := lv.h, 4*lv.h
	a := lv.a[t*n*g : (t+1)*n*g]
	f32.Gemm(false, true, n, g, h, 1, lv.hs[t*n*h:(t+1)*n*h], h, lv.U.Value.Data, h, 1, a, g)
	for i := 0; i < n; i++ {
		row := a[i*g : (i+1)*g]
		f32.Sigmoid(row[:2*h], row[:2*h]) // i, f
		f32.Tanh(row[2*h:3*h], row[2*h:3*h])
		f32.Sigmoid(row[3*h:], row[3*h:])
		ig, fg, gg, og := row[:h], row[h:2*h], row[2*h:3*h], row[3*h:]
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
func lstmBackward(lv *level, t, n int) {
	h, g := lv.h, 4*lv.h
	a, dA := lv.a[t*n*g:(t+1)*n*g], lv.dA[t*n*g:(t+1)*n*g]
	clear(lv.dhPrev[:n*h])
	for i := 0; i < n; i++ {
		row, d := a[i*g:(i+1)*g], dA[i*g:(i+1)*g]
		off := (t*n + i) * h
		cPrev, tc := lv.cs[off:off+h], lv.tc[off:off+h]
		dh, dc := lv.dh[i*h:(i+1)*h], lv.dc[i*h:(i+1)*h]
		for j := 0; j < h; j++ {
			ig, fg, gg, og := row[j], row[h+j], row[2*h+j], row[3*h+j]
			dcj := dc[j] + dh[j]*og*(1-tc[j]*tc[j])
			d[j] = dcj * gg * ig * (1 - ig)
			d[h+j] = dcj * cPrev[j] * fg * (1 - fg)
			d[2*h+j] = dcj * ig * (1 - gg*gg)
			d[3*h+j] = dh[j] * tc[j] * og * (1 - og)
			dc[j] = dcj * fg
		}
	}
}
