package nn

import "github.com/deepnet-go/deepnet/internal/f32"

// gruCell is the GRU unit, as PyTorch's nn.GRU computes it, with its
// three gates in PyTorch's order (reset, update, new):
//
//	r = σ(W_r x + b_r + U_r h + c_r)    z = σ(W_z x + b_z + U_z h + c_z)
//	m = tanh(W_n x + b_n + r⊙(U_n h + c_n))
//	h' = (1-z)⊙m + z⊙h
var gruCell = cell{gates: 3, hiddenGates: true, forward: gruForward, backward: gruBackward}

// gruForward computes step t: gh[t] = U h + c, then the gates into a[t]
// and h.
func gruForward(lv *level, t, n int) {
	h, g := lv.h, 3*lv.h
	a, gh := lv.a[t*n*g:(t+1)*n*g], lv.gh[t*n*g:(t+1)*n*g]
	for i := 0; i < n; i++ {
		copy(gh[i*g:(i+1)*g], lv.C.Value.Data)
	}
	f32.Gemm(false, true, n, g, h, 1, lv.hs[t*n*h:(t+1)*n*h], h, lv.U.Value.Data, h, 1, gh, g)
	for i := 0; i < n; i++ {
		row, hrow := a[i*g:(i+1)*g], gh[i*g:(i+1)*g]
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
func gruBackward(lv *level, t, n int) {
	h, g := lv.h, 3*lv.h
	a, gh := lv.a[t*n*g:(t+1)*n*g], lv.gh[t*n*g:(t+1)*n*g]
	dA, dGh := lv.dA[t*n*g:(t+1)*n*g], lv.dGh[t*n*g:(t+1)*n*g]
	for i := 0; i < n; i++ {
		row, hrow, da, dgh := a[i*g:(i+1)*g], gh[i*g:(i+1)*g], dA[i*g:(i+1)*g], dGh[i*g:(i+1)*g]
		hPrev := lv.hs[(t*n+i)*h : (t*n+i+1)*h]
		dh, dhPrev := lv.dh[i*h:(i+1)*h], lv.dhPrev[i*h:(i+1)*h]
		for j := 0; j < h; j++ {
			r, z, m := row[j], row[h+j], row[2*h+j]
			dm := dh[j] * (1 - z) * (1 - m*m)
			dr := dm * hrow[2*h+j] * r * (1 - r)
			dz := dh[j] * (hPrev[j] - m) * z * (1 - z)
			da[j], da[h+j], da[2*h+j] = dr, dz, dm
			dgh[j], dgh[h+j], dgh[2*h+j] = dr, dz, dm*r
			dhPrev[j] = dh[j] * z
		}
	}
}
