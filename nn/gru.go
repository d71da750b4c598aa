package nn

import "github.com/deepnet-go/deepnet/internal/f32"

// gruCell is the GRU unit, as PyTorch's nn.GRU computes it, with its
// three gates in PyTorch's order (reset, update, new):
//
//	r = σ(W_r x + b_r + U_r h + c_r)    z = σ(W_z x + b_z + U_z h + c_z)
//	m = tanh(W_n x + b_n + r⊙(U_n h + c_n))
//	h' = (1-z)⊙m + z⊙h
var gruCell = cell{gates: 3, hiddenGates: true, forward: gruForward, backward: gruBackward}

// gruForward computes step t of the examples [r0, r1): gh[t] = U h + c,
// then the gates into a[t], and h.
func gruForward(lv *level, t, n, r0, r1 int) {
	h, g := lv.h, 3*lv.h
	gh := lv.gh[(t*n+r0)*g : (t*n+r1)*g]
	for i := 0; i < r1-r0; i++ {
		copy(gh[i*g:(i+1)*g], lv.C.Value.Data)
	}
	f32.Gemm(false, false, r1-r0, g, h, 1, lv.hs[(t*n+r0)*h:(t*n+r1)*h], h, lv.ut, g, 1, gh, g)
	for i := r0; i < r1; i++ {
		row, hrow := lv.a[(t*n+i)*g:(t*n+i+1)*g], lv.gh[(t*n+i)*g:(t*n+i+1)*g]
		f32.Axpy(1, hrow[:2*h], row[:2*h])
		f32.Sigmoid(row[:2*h], row[:2*h]) // r, z
		r, z, m := row[:h], row[h:2*h], row[2*h:]
		for j := range m {
			m[j] += r[j] * hrow[2*h+j]
		}
		f32.Tanh(m, m)
		off := (t*n + i) * h
		hPrev, hNew := lv.hs[off:off+h], lv.hs[off+n*h:off+n*h+h]
		for j := range hNew {
			hNew[j] = (1-z[j])*m[j] + z[j]*hPrev[j]
		}
	}
}

// gruBackward turns dh (of h after step t) into the gradients of the
// input's products dA[t] and of the hidden products dGh[t], and writes
// dhPrev's direct part, dh⊙z.
func gruBackward(lv *level, t, n, r0, r1 int, dh, dhPrev []float32) {
	h, g := lv.h, 3*lv.h
	for i := r0; i < r1; i++ {
		at := (t*n + i) * g
		row, hrow, da, dgh := lv.a[at:at+g], lv.gh[at:at+g], lv.dA[at:at+g], lv.dGh[at:at+g]
		hPrev := lv.hs[(t*n+i)*h : (t*n+i+1)*h]
		dhi, dhp := dh[i*h:(i+1)*h], dhPrev[i*h:(i+1)*h]
		for j := 0; j < h; j++ {
			r, z, m := row[j], row[h+j], row[2*h+j]
			dm := dhi[j] * (1 - z) * (1 - m*m)
			dr := dm * hrow[2*h+j] * r * (1 - r)
			dz := dhi[j] * (hPrev[j] - m) * z * (1 - z)
			da[j], da[h+j], da[2*h+j] = dr, dz, dm
			dgh[j], dgh[h+j], dgh[2*h+j] = dr, dz, dm*r
			dhp[j] = dhi[j] * z
		}
	}
}
