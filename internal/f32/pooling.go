package f32

// poolTask is the job of the pooling kernels: op selects which.
type poolTask struct {
	op                 int
	src, dst, gy, y    []float32
	arg                []int32
	h, w, p, q, oh, ow int
}

const (
	opMax = iota
	opMaxBack
	opL2
	opL2Back
	opAvg
	opAvgBack
)

// runPool splits planes among the workers.
func runPool(t poolTask, planes int) {
	if planes <= 0 {
		return
	}
	if t.p < 1 || t.q < 1 {
		panic("f32: pooling block must be at least 1×1")
	}
	t.oh, t.ow = t.h/t.p, t.w/t.q
	if p, chunks := tryPool(planes, grainOf(t.h*t.w)); p != nil {
		p.jobs.pool = t
		p.runFor(&p.jobs.pool, planes, chunks)
		p.jobs.pool = poolTask{}
		return
	}
	t.Run(0, planes)
}

// Run computes planes [lo, hi).
func (t *poolTask) Run(lo, hi int) {
	if t.op == opMax && t.maxPlanes(lo, hi) {
		return
	}
	hw, o := t.h*t.w, t.oh*t.ow
	for pl := lo; pl < hi; pl++ {
		switch t.op {
		case opMax:
			in, out, arg := t.src[pl*hw:(pl+1)*hw], t.dst[pl*o:(pl+1)*o], t.arg[pl*o:(pl+1)*o]
			if t.p == 2 && t.q == 2 {
				t.max2x2(in, out, arg)
			} else {
				MaxPoolRef(in, 1, t.h, t.w, t.p, t.q, out, arg)
			}
		case opMaxBack:
			gx, gy, arg := t.dst[pl*hw:(pl+1)*hw], t.gy[pl*o:(pl+1)*o], t.arg[pl*o:(pl+1)*o]
			clear(gx)
			for i, a := range arg {
				gx[a] += gy[i]
			}
		case opL2:
			L2PoolRef(t.src[pl*hw:(pl+1)*hw], 1, t.h, t.w, t.p, t.q, t.dst[pl*o:(pl+1)*o])
		case opL2Back:
			L2PoolBackwardRef(t.gy[pl*o:(pl+1)*o], t.src[pl*hw:(pl+1)*hw], t.y[pl*o:(pl+1)*o], 1, t.h, t.w, t.p, t.q, t.dst[pl*hw:(pl+1)*hw])
		case opAvg:
			AvgPoolRef(t.src[pl*hw:(pl+1)*hw], 1, t.h, t.w, t.p, t.q, t.dst[pl*o:(pl+1)*o])
		case opAvgBack:
			AvgPoolBackwardRef(t.gy[pl*o:(pl+1)*o], 1, t.h, t.w, t.p, t.q, t.dst[pl*hw:(pl+1)*hw])
		}
	}
}

// max2x2 is MaxPoolRef for one plane and 2×2 blocks.
func (t *poolTask) max2x2(in, out []float32, arg []int32) {
	w := t.w
	for i := 0; i < t.oh; i++ {
		r0 := in[2*i*w : 2*i*w+2*t.ow]
		r1 := in[(2*i+1)*w : (2*i+1)*w+2*t.ow]
		o := out[i*t.ow : (i+1)*t.ow]
		ar := arg[i*t.ow : (i+1)*t.ow]
		base := int32(2 * i * w)
		for j := range o {
			bv, best := r0[2*j], base+int32(2*j)
			if v := r0[2*j+1]; v > bv {
				bv, best = v, base+int32(2*j+1)
			}
			if v := r1[2*j]; v > bv {
				bv, best = v, base+int32(w+2*j)
			}
			if v := r1[2*j+1]; v > bv {
				bv, best = v, base+int32(w+2*j+1)
			}
			o[j], ar[j] = bv, best
		}
	}
}
