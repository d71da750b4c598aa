package f32

// Element-wise kernels: bit-identical to their Ref twins (no FMA), split
// among the workers above elemGrain floats.

const elemGrain = 1 << 15

type elemTask struct {
	op   int
	a    float32
	x, y []float32
	z    []float32 // the third operand (ReLUBackward's gy)
	n    int       // row width (row kernels)
	ldy  int
}

const (
	opAxpy = iota
	opScale
	opAddRowVec
	opAddColVec
	opSumRows
	opReLU
	opReLUBack
)

// runElem runs t over items (elements, or rows of width t.n).
func runElem(t elemTask, items, size int) {
	if p, chunks := tryPool(items, max(1, elemGrain/max(size, 1))); p != nil {
		p.jobs.elem = t
		p.runFor(&p.jobs.elem, items, chunks)
		p.jobs.elem = elemTask{}
		return
	}
	t.Run(0, items)
}

// Run processes items [lo, hi).
func (t *elemTask) Run(lo, hi int) {
	switch t.op {
	case opAxpy:
		axpy(t.a, t.x[lo:hi], t.y[lo:hi])
	case opScale:
		scale(t.a, t.x[lo:hi])
	case opAddRowVec:
		addRows(t.y[lo*t.ldy:], t.ldy, t.x, 0, hi-lo, t.n)
	case opAddColVec:
		for i := lo; i < hi; i++ {
			addConst(t.x[i], t.y[i*t.ldy:i*t.ldy+t.n])
		}
	case opReLU:
		relu(t.x[lo:hi], t.y[lo:hi])
	case opReLUBack:
		reluBackward(t.x[lo:hi], t.z[lo:hi], t.y[lo:hi])
	case opSumRows: // x is the matrix (stride ldy), y the sums
		for i := lo; i < hi; i++ {
			t.y[i] = sumRow(t.x[i*t.ldy : i*t.ldy+t.n])
		}
	}
}

// Axpy sets y[i] += a·x[i] for i < len(x) (see AxpyRef).
func Axpy(a float32, x, y []float32) {
	if len(y) < len(x) {
		panic("f32.Axpy: y shorter than x")
	}
	runElem(elemTask{op: opAxpy, a: a, x: x, y: y}, len(x), 1)
}

// Scale sets x[i] *= a (see ScaleRef).
func Scale(a float32, x []float32) {
	runElem(elemTask{op: opScale, a: a, x: x}, len(x), 1)
}

// AddRowVector adds v to every row of y: y[i][j] += v[j] (see AddRowVectorRef).
func AddRowVector(m, n int, v, y []float32, ldy int) {
	if m <= 0 || n <= 0 {
		return
	}
	checkMat("y", false, m, n, y, ldy)
	_ = v[n-1]
	runElem(elemTask{op: opAddRowVec, x: v, y: y, n: n, ldy: ldy}, m, n)
}

// AddColVector adds v[i] to row i of y: y[i][j] += v[i] (see AddColVectorRef).
func AddColVector(m, n int, v, y []float32, ldy int) {
	if m <= 0 || n <= 0 {
		return
	}
	checkMat("y", false, m, n, y, ldy)
	_ = v[m-1]
	runElem(elemTask{op: opAddColVec, x: v, y: y, n: n, ldy: ldy}, m, n)
}
