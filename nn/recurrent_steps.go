package nn

import (
	"fmt"
	"math"

	"github.com/deepnet-go/deepnet/internal/f32"
)

// Forward: x [T][n][C] → the top layer's states [T][n][H] (seq) or its
// last state [n][H]. Each layer's input products for all T steps are one
// product; then the steps run in order, for blocks of examples (see
// blockRows) at a time in parallel (the examples' states do not depend on each
// other, and a block's results do not depend on the number of workers).
func (l *RecurrentLayer) Forward(x []float32, n int, train bool) []float32 {
	checkBatch(l.spec.Cell, n, l.maxBatch)
	if l.carried && n != l.n {
		panic(fmt.Sprintf("nn: %s: carrying the state of a batch of %d into a batch of %d", l.spec, l.n, n))
	}
	l.n = n
	t := l.in.T
	for _, lv := range l.levels {
		lv.inputProducts(x[:t*n*lv.in], t, n)
		lv.startState(n, l.carry && l.carried)
		l.task.run(lv, false, nil, false)
		x = lv.hs[n*lv.h : (t+1)*n*lv.h]
	}
	l.carried = l.carry
	if l.spec.Seq {
		return x
	}
	return x[(t-1)*n*l.spec.Hidden:]
}

// blockRows returns how many examples' steps run together on one worker,
// for a batch of n: 32 (the step's products are efficient from there), or
// 16 for batches of up to 32, so that two workers share them. It depends
// on n only, so that results do not depend on the number of workers.
func blockRows(n int) int {
	if n <= 32 {
		return 16
	}
	return 32
}

// blocks returns the number of blocks of a batch of n.
func blocks(n int) int { return (n + blockRows(n) - 1) / blockRows(n) }

// inputProducts sets a to x·Wᵀ + b (+ c, unless the cell needs U h + c
// apart), for the input x [T][n][in] of every step. It first writes Wᵀ
// and Uᵀ, which the products then read in place (the weights change
// between Forwards, not within one).
func (lv *level) inputProducts(x []float32, t, n int) {
	g := lv.c.gates * lv.h
	transposeMatrix(lv.W.Value.Data, lv.wt, g, lv.in)
	transposeMatrix(lv.U.Value.Data, lv.ut, g, lv.h)
	lv.x = x
	a := lv.a[:t*n*g]
	for r := 0; r < t*n; r++ {
		row := a[r*g : (r+1)*g]
		copy(row, lv.B.Value.Data)
		if !lv.c.hiddenGates {
			f32.Axpy(1, lv.C.Value.Data, row)
		}
	}
	f32.Gemm(false, false, t*n, g, lv.in, 1, x, lv.in, lv.wt, g, 1, a, g)
}

// transposeMatrix writes the rows×cols matrix m into t as cols×rows.
func transposeMatrix(m, t []float32, rows, cols int) {
	for i := 0; i < rows; i++ {
		for j, v := range m[i*cols : (i+1)*cols] {
			t[j*rows+i] = v
		}
	}
}

// startState sets the state before the first step: the carried one, or
// zeros.
func (lv *level) startState(n int, fromCarried bool) {
	h := lv.h
	if fromCarried {
		copy(lv.hs[:n*h], lv.h0[:n*h])
		if lv.cs != nil {
			copy(lv.cs[:n*h], lv.c0[:n*h])
		}
		return
	}
	clear(lv.hs[:n*h])
	if lv.cs != nil {
		clear(lv.cs[:n*h])
	}
}

// stepsTask runs a level's steps, forward or backward, for blocks of
// examples (f32.Task); it lives in the layer so that handing it to the
// workers allocates nothing.
type stepsTask struct {
	l        *RecurrentLayer
	lv       *level
	backward bool
	gy       []float32
	seq      bool
}

// run runs lv's steps over every block of the batch.
func (k *stepsTask) run(lv *level, backward bool, gy []float32, seq bool) {
	k.lv, k.backward, k.gy, k.seq = lv, backward, gy, seq
	f32.ParallelFor(blocks(k.l.n), k)
	k.lv, k.gy = nil, nil
}

// Run runs the blocks [lo, hi).
func (k *stepsTask) Run(lo, hi int) {
	n := k.l.n
	for b := lo; b < hi; b++ {
		r0, r1 := b*blockRows(n), min((b+1)*blockRows(n), n)
		if k.backward {
			k.lv.backwardSteps(k.l.in.T, n, r0, r1, b, k.gy, k.seq, k.l.record)
		} else {
			k.lv.forwardSteps(k.l.in.T, n, r0, r1)
		}
	}
}

// forwardSteps runs every step for the examples [r0, r1) and keeps their
// last state for carrying.
func (lv *level) forwardSteps(t, n, r0, r1 int) {
	h := lv.h
	for s := 0; s < t; s++ {
		lv.c.forward(lv, s, n, r0, r1)
	}
	copy(lv.h0[r0*h:r1*h], lv.hs[(t*n+r0)*h:(t*n+r1)*h])
	if lv.cs != nil {
		copy(lv.c0[r0*h:r1*h], lv.cs[(t*n+r0)*h:(t*n+r1)*h])
	}
}

// Backward: gy ([T][n][H] or [n][H]) → gx [T][n][C], through time within
// the window of the last Forward (the carried state is a constant).
func (l *RecurrentLayer) Backward(gy []float32) []float32 {
	t, n := l.in.T, l.n
	for i := len(l.levels) - 1; i >= 0; i-- {
		lv := l.levels[i]
		seq := l.spec.Seq || i < len(l.levels)-1
		l.task.run(lv, true, gy, seq)
		if l.record {
			lv.sumNorms(t, blocks(n))
		}
		gy = lv.weightGradients(t, n, !l.frozen, i > 0 || !l.noInGrad)
	}
	return gy
}

// backwardSteps runs the steps backwards for the examples [r0, r1) (block
// b) from gy, the gradient of the states (every step's when seq, else the
// last one's).
func (lv *level) backwardSteps(t, n, r0, r1, b int, gy []float32, seq, record bool) {
	g, h := lv.c.gates*lv.h, lv.h
	dh, dhPrev := lv.dh, lv.dhPrev
	clear(dh[r0*h : r1*h])
	if lv.dc != nil {
		clear(lv.dc[r0*h : r1*h])
	}
	if !seq {
		copy(dh[r0*h:r1*h], gy[r0*h:r1*h])
	}
	for s := t - 1; s >= 0; s-- {
		if seq {
			f32.Axpy(1, gy[(s*n+r0)*h:(s*n+r1)*h], dh[r0*h:r1*h])
		}
		if record {
			lv.normSq[b*t+s] = sumSquares(dh[r0*h : r1*h])
		}
		lv.c.backward(lv, s, n, r0, r1, dh, dhPrev)
		// dh of the step before: the cell's direct part, plus U's.
		f32.Gemm(false, false, r1-r0, h, g, 1, lv.dGh[(s*n+r0)*g:(s*n+r1)*g], g, lv.U.Value.Data, h, 1, dhPrev[r0*h:r1*h], h)
		dh, dhPrev = dhPrev, dh
	}
}

// sumNorms sets norms[s] from the blocks' sums of squares.
func (lv *level) sumNorms(t, nb int) {
	for s := range t {
		var sq float64
		for b := range nb {
			sq += lv.normSq[b*t+s]
		}
		lv.norms[s] = math.Sqrt(sq)
	}
}

// weightGradients computes, when params is set, the parameters' gradients
// from the gates' gradients of every step, and returns the input's
// gradient when input is set and the level was built with one (else nil).
func (lv *level) weightGradients(t, n int, params, input bool) []float32 {
	g, h, rows := lv.c.gates*lv.h, lv.h, t*n
	dA, dGh := lv.dA[:rows*g], lv.dGh[:rows*g]
	if params {
		// The gradients' transposes, xᵀ·dA and hᵀ·dGh, read the long dA and
		// dGh in place and pack only the narrow x and h; wt and ut, free
		// until the next Forward, hold them.
		f32.Gemm(true, false, lv.in, g, rows, 1, lv.x, lv.in, dA, g, 0, lv.wt, g)
		transposeMatrix(lv.wt, lv.W.Grad.Data, lv.in, g)
		f32.Gemm(true, false, h, g, rows, 1, lv.hs[:rows*h], h, dGh, g, 0, lv.ut, g)
		transposeMatrix(lv.ut, lv.U.Grad.Data, h, g)
		sumRows(dA, g, lv.B.Grad.Data)
		sumRows(dGh, g, lv.C.Grad.Data)
	}
	if lv.dx == nil || !input {
		return nil
	}
	dx := lv.dx[:rows*lv.in]
	f32.Gemm(false, false, rows, lv.in, g, 1, dA, g, lv.W.Value.Data, lv.in, 0, dx, lv.in)
	return dx
}

// sumRows sets out to the sum of the rows of m, a matrix of len(out)
// columns, row after row.
func sumRows(m []float32, cols int, out []float32) {
	copy(out, m[:cols])
	for r := cols; r < len(m); r += cols {
		f32.Axpy(1, m[r:r+cols], out)
	}
}

// sumSquares returns Σ v², in float64.
func sumSquares(v []float32) float64 {
	var s float64
	for _, x := range v {
		s += float64(x) * float64(x)
	}
	return s
}
