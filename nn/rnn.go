package nn

import "github.com/deepnet-go/deepnet/internal/f32"

// rnnCell is the plain recurrent unit of PyTorch's nn.RNN with tanh:
//
//	h' = tanh(W x + b + U h + c)
var rnnCell = cell{gates: 1, forward: rnnForward, backward: rnnBackward}

// rnnForward computes step t: h = tanh(a[t] + U h), kept in a and hs.
func rnnForward(lv *level, t, n int) {
	h := lv.h
	a := lv.a[t*n*h : (t+1)*n*h]
	f32.Gemm(false, true, n, h, h, 1, lv.hs[t*n*h:(t+1)*n*h], h, lv.U.Value.Data, h, 1, a, h)
	f32.Tanh(a, a)
	copy(lv.hs[(t+1)*n*h:(t+2)*n*h], a)
}

// rnnBackward: dA[t] = dh⊙(1-h²); dhPrev gets no direct part.
func rnnBackward(lv *level, t, n int) {
	h := lv.h
	a, dA := lv.a[t*n*h:(t+1)*n*h], lv.dA[t*n*h:(t+1)*n*h]
	for j, y := range a {
		dA[j] = lv.dh[j] * (1 - y*y)
	}
	clear(lv.dhPrev[:n*h])
}
