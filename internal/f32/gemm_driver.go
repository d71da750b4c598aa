package f32

import "unsafe"

// gemmTask is one product split into units (column panels or row panels of
// C for the packed path, mi×nj blocks for the dot path) that workers
// compute independently; every element of C is computed by one unit with a
// summation order fixed by the problem alone.
type gemmTask struct {
	ks             *kernelSet
	transA, transB bool
	m, n, k        int
	alpha, beta    float32
	a, b, c        []float32
	lda, ldb, ldc  int

	useDot  bool
	mp, np  int  // panels (packed) or blocks (dot) along m and n
	nkb     int  // k blocks (packed path)
	splitN  bool // units are column panels (else row panels) — packed path
	units   int
	colMajo bool // dot path: units sweep m fastest

	// pa, when not nil, holds all of op(A) packed (see aPanels), shared by
	// every chunk of a parallel product split along n.
	pa []float32
}

// plan chooses the path and the unit decomposition. It depends only on the
// problem and the kernel set, never on the number of workers.
func (t *gemmTask) plan() {
	ks := t.ks
	t.useDot = ks.dot != nil && !t.transA && t.transB && t.k >= gemmDotMin
	if t.useDot {
		t.mp = (t.m + ks.dotMR - 1) / ks.dotMR
		t.np = (t.n + ks.dotNR - 1) / ks.dotNR
		t.units = t.mp * t.np
		t.colMajo = t.m <= t.n
		return
	}
	t.mp = (t.m + ks.mr - 1) / ks.mr
	t.np = (t.n + ks.nr - 1) / ks.nr
	t.nkb = (t.k + gemmKC - 1) / gemmKC
	t.splitN = t.np >= 4 || t.np >= t.mp
	if t.splitN {
		t.units = t.np
	} else {
		t.units = t.mp
	}
}

// span returns the start and length of block i of count blocks that split
// total as evenly as possible.
func span(i, count, total int) (int, int) {
	lo := i * total / count
	return lo, (i+1)*total/count - lo
}

// runUnits computes units [lo, hi) with the packing buffers buf.
func (t *gemmTask) runUnits(buf *gemmBuf, lo, hi int) {
	if t.useDot {
		t.dotUnits(lo, hi)
		return
	}
	if t.splitN {
		j0 := lo * t.ks.nr
		j1 := min(hi*t.ks.nr, t.n)
		t.packed(buf, 0, t.mp, j0, j1)
	} else {
		t.packed(buf, lo, hi, 0, t.n)
	}
}

// dotUnits computes dot-path blocks [lo, hi).
func (t *gemmTask) dotUnits(lo, hi int) {
	ks := t.ks
	for u := lo; u < hi; u++ {
		var ib, jb int
		if t.colMajo {
			jb, ib = u/t.mp, u%t.mp
		} else {
			ib, jb = u/t.np, u%t.np
		}
		i0, mi := span(ib, t.mp, t.m)
		j0, nj := span(jb, t.np, t.n)
		ks.dot(mi, nj, t.k, &t.a[i0*t.lda], t.lda, &t.b[j0*t.ldb], t.ldb,
			&t.c[i0*t.ldc+j0], t.ldc, t.alpha, t.beta)
	}
}

// packed computes the C block of row panels [p0, p1) and columns [j0, j1)
// (j0 a multiple of nr) with packed A and packed or direct B.
func (t *gemmTask) packed(buf *gemmBuf, p0, p1, j0, j1 int) {
	// Untransposed B is read in place: by every A panel when there is one,
	// else by the first, which packs it on the fly for the others.
	if !t.transB && (p1-p0 <= 1 || t.ks.microPack != nil) {
		t.packedDirect(buf, p0, p1, j0, j1)
		return
	}
	ks := t.ks
	nr := ks.nr
	for jc := j0; jc < j1; jc += gemmNC {
		nc := min(gemmNC, j1-jc)
		for kb := 0; kb < t.nkb; kb++ {
			k0, kc := span(kb, t.nkb, t.k)
			beta := t.beta
			if kb > 0 {
				beta = 1
			}
			packB(t.transB, t.b, t.ldb, k0, kc, jc, nc, nr, buf.b)
			for ic := p0; ic < p1; ic += gemmMCP {
				ie := min(ic+gemmMCP, p1)
				ab := t.aPanels(buf, ic, ie, k0, kc)
				for jr := 0; jr < nc; jr += nr {
					cols := min(nr, nc-jr)
					off := 0
					for pi := ic; pi < ie; pi++ {
						r0, mr := span(pi, t.mp, t.m)
						t.tile(buf, mr, cols, kc, &ab[off], &buf.b[jr*kc], nr, r0, jc+jr, beta)
						off += mr * kc
					}
				}
			}
		}
	}
}

// packedDirect is packed for untransposed B, read in place.
func (t *gemmTask) packedDirect(buf *gemmBuf, p0, p1, j0, j1 int) {
	ks := t.ks
	nr := ks.nr
	for kb := 0; kb < t.nkb; kb++ {
		k0, kc := span(kb, t.nkb, t.k)
		beta := t.beta
		if kb > 0 {
			beta = 1
		}
		for ic := p0; ic < p1; ic += gemmMCP {
			ie := min(ic+gemmMCP, p1)
			ab := t.aPanels(buf, ic, ie, k0, kc)
			for j := j0; j < j1; j += nr {
				cols := min(nr, j1-j)
				bp, ldb := &t.b[k0*t.ldb+j], t.ldb
				if cols < nr && !ks.masked {
					packB(false, t.b, t.ldb, k0, kc, j, cols, nr, buf.b)
					bp, ldb = &buf.b[0], nr
				}
				off := 0
				for pi := ic; pi < ie; pi++ {
					r0, mr := span(pi, t.mp, t.m)
					ap := &ab[off]
					off += mr * kc
					if pi == ic && ie-ic > 1 && ldb != nr {
						ks.microPack(mr, cols, kc, ap, bp, ldb, &t.c[r0*t.ldc+j], t.ldc, t.alpha, beta, &buf.b[0])
						bp, ldb = &buf.b[0], nr
						continue
					}
					t.tile(buf, mr, cols, kc, ap, bp, ldb, r0, j, beta)
				}
			}
		}
	}
}

// aPanels returns A panels [ic, ie) for k block [k0, k0+kc), packed one
// after the other: from t.pa when A is pre-packed, else packed into buf.a.
// t.pa holds k block kb at m·k0, and in it panel pi at r0·kc (r0 its
// first row), so any run of panels is contiguous.
func (t *gemmTask) aPanels(buf *gemmBuf, ic, ie, k0, kc int) []float32 {
	r0, _ := span(ic, t.mp, t.m)
	r1, _ := span(ie, t.mp, t.m)
	if t.pa != nil {
		off := t.m*k0 + r0*kc
		return t.pa[off : off+(r1-r0)*kc]
	}
	off := 0
	for pi := ic; pi < ie; pi++ {
		r, mr := span(pi, t.mp, t.m)
		packA(t.transA, t.a, t.lda, r, mr, k0, kc, buf.a[off:off+mr*kc])
		off += mr * kc
	}
	return buf.a[:off]
}

// prepackUnits packs units [lo, hi) of t.pa: unit u is panel u mod mp of
// k block u / mp.
func (t *gemmTask) prepackUnits(lo, hi int) {
	for u := lo; u < hi; u++ {
		k0, kc := span(u/t.mp, t.nkb, t.k)
		r0, mr := span(u%t.mp, t.mp, t.m)
		off := t.m*k0 + r0*kc
		packA(t.transA, t.a, t.lda, r0, mr, k0, kc, t.pa[off:off+mr*kc])
	}
}

// tile runs the micro-kernel for the mr×cols tile of C at (r0, j).
func (t *gemmTask) tile(buf *gemmBuf, mr, cols, kc int, ap, bp *float32, ldb, r0, j int, beta float32) {
	ks := t.ks
	if cols == ks.nr || ks.masked {
		ks.micro(mr, cols, kc, ap, bp, ldb, &t.c[r0*t.ldc+j], t.ldc, t.alpha, beta)
		return
	}
	ks.micro(mr, ks.nr, kc, ap, bp, ldb, &buf.tile[0], ks.nr, 1, 0)
	mergeTile(buf.tile, ks.nr, t.c[r0*t.ldc+j:], t.ldc, mr, cols, t.alpha, beta)
}

// mergeTile sets C[i][j] = alpha·tile[i][j] + beta·C[i][j] for i < mr,
// j < cols (C not read when beta is 0).
func mergeTile(tile []float32, ldt int, c []float32, ldc, mr, cols int, alpha, beta float32) {
	for i := 0; i < mr; i++ {
		tr := tile[i*ldt : i*ldt+cols]
		cr := c[i*ldc : i*ldc+cols]
		for j, v := range tr {
			if beta == 0 {
				cr[j] = alpha * v
			} else {
				cr[j] = alpha*v + beta*cr[j]
			}
		}
	}
}

// gemmBuf holds one worker's packing buffers.
type gemmBuf struct {
	a, b, tile []float32
}

// maxMR and maxNR bound every kernel set's micro-kernel size.
const maxMR, maxNR = 16, 32

func newGemmBuf() *gemmBuf {
	// Align the buffers to 64 bytes for the vector loads.
	return &gemmBuf{
		a:    alignedFloats(gemmMCP * maxMR * gemmKC),
		b:    alignedFloats(gemmKC * gemmNC),
		tile: alignedFloats(maxMR * maxNR),
	}
}

// alignedFloats returns n zeroed float32s starting on a 64-byte boundary.
func alignedFloats(n int) []float32 {
	s := make([]float32, n+16)
	off := 0
	for uintptr(unsafe.Pointer(&s[off]))%64 != 0 {
		off++
	}
	return s[off : off+n : off+n]
}
