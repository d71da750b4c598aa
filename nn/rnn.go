package nn

import "github.com/deepnet-go/deepnet/internal/f32"

// rnnCell is the plain recurrent unit of PyTorch's nn.RNN with tanh:
//
//	h' = tanh(W x + b + U h + c)
var rnnCell = cell{gates: 1, forward: rnnForward, backward: rnnBackward}

// rnnForward computes step t of the examples [r0, r1): h = tanh(a[t] +
// U h), kept in a and hs.
func rnnForward(lv *level, t, n, r0, r1 int) {
	h := lv.h
	a := lv.a[(t*n+r0)*h : (t*n+r1)*h]
	f32.Gemm(false, false, r1-r0, h, h, 1, lv.hs[(t*n+r0)*h:(t*n+r1)*h], h, lv.ut, h, 1, a, h)
	f32.Tanh(a, a)
	copy(lv.hs[((t+1)*n+r0)*h:((t+1)*n+r1)*h], a)
}

// rnnBackward: dA[t] = dh⊙(1-h²); dhPrev gets no direct part.
func rnnBackward(lv *level, t, n, r0, r1 int, dh, dhPrev []float32) {
	h := lv.h
	a, dA := lv.a[(t*n+r0)*h:(t*n+r1)*h], lv.dA[(t*n+r0)*h:(t*n+r1)*h]
	dhb := dh[r0*h : r1*h]
	for j, y := range a {
		dA[j] = dhb[j] * (1 - y*y)
	}
	clear(dhPrev[r0*h : r1*h])
}
