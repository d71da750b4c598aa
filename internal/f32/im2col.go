package f32

import "fmt"

// convGeom is the geometry shared by Im2col and Col2im.
type convGeom struct {
	c, n, h, w, kh, kw, stride, oh, ow int
}

func newConvGeom(c, n, h, w, kh, kw, stride int) convGeom {
	if stride < 1 || kh < 1 || kw < 1 || kh > h || kw > w {
		panic(fmt.Sprintf("f32: bad convolution geometry: %d×%d image, %d×%d kernel, stride %d", h, w, kh, kw, stride))
	}
	return convGeom{c, n, h, w, kh, kw, stride, (h-kh)/stride + 1, (w-kw)/stride + 1}
}

// parGrain is the number of floats below which a chunk of a memory-bound
// kernel is not worth handing to another worker.
const parGrain = 1 << 14

// grainOf returns the number of items of size floats that make a chunk.
func grainOf(size int) int { return max(1, parGrain/max(size, 1)) }

// Im2col unrolls receptive fields exactly as Im2colRef (bit-identical),
// splitting the rows of dst among the workers.
func Im2col(src []float32, c, n, h, w, kh, kw, stride int, dst []float32) {
	if c*n == 0 {
		return
	}
	g := newConvGeom(c, n, h, w, kh, kw, stride)
	cols := n * g.oh * g.ow
	_ = src[c*n*h*w-1]
	_ = dst[c*kh*kw*cols-1]
	t := im2colTask{g, src, dst}
	rows := c * kh * kw
	if p, chunks := tryPool(rows, grainOf(cols)); p != nil {
		p.jobs.im2col = t
		p.runFor(&p.jobs.im2col, rows, chunks)
		p.jobs.im2col = im2colTask{}
		return
	}
	t.Run(0, rows)
}

type im2colTask struct {
	convGeom
	src, dst []float32
}

// Run fills rows [lo, hi) of dst.
func (t *im2colTask) Run(lo, hi int) {
	g := t.convGeom
	plane, outPlane := g.h*g.w, g.oh*g.ow
	cols := g.n * outPlane
	for r := lo; r < hi; r++ {
		ch, l, m := r/(g.kh*g.kw), r/g.kw%g.kh, r%g.kw
		row := t.dst[r*cols : (r+1)*cols]
		for img := 0; img < g.n; img++ {
			in := t.src[(ch*g.n+img)*plane : (ch*g.n+img+1)*plane]
			out := row[img*outPlane : (img+1)*outPlane]
			if g.stride == 1 {
				copyRows(out, g.ow, in[l*g.w+m:], g.w, g.oh, g.ow)
				continue
			}
			for i := 0; i < g.oh; i++ {
				src := in[(i*g.stride+l)*g.w+m:]
				dst := out[i*g.ow : (i+1)*g.ow]
				for j := range dst {
					dst[j] = src[j*g.stride]
				}
			}
		}
	}
}

// Col2im sums receptive fields back into planes exactly as Col2imRef
// (bit-identical: every pixel adds its terms in the same order), splitting
// the planes among the workers.
func Col2im(col []float32, c, n, h, w, kh, kw, stride int, dst []float32) {
	if c*n == 0 {
		return
	}
	g := newConvGeom(c, n, h, w, kh, kw, stride)
	_ = col[c*kh*kw*n*g.oh*g.ow-1]
	_ = dst[c*n*h*w-1]
	t := col2imTask{g, col, dst}
	planes := c * n
	if p, chunks := tryPool(planes, grainOf(kh*kw*g.oh*g.ow)); p != nil {
		p.jobs.col2im = t
		p.runFor(&p.jobs.col2im, planes, chunks)
		p.jobs.col2im = col2imTask{}
		return
	}
	t.Run(0, planes)
}

type col2imTask struct {
	convGeom
	col, dst []float32
}

// Run computes planes [lo, hi) (plane ch·n+img) of dst.
func (t *col2imTask) Run(lo, hi int) {
	g := t.convGeom
	plane, outPlane := g.h*g.w, g.oh*g.ow
	cols := g.n * outPlane
	for pl := lo; pl < hi; pl++ {
		ch, img := pl/g.n, pl%g.n
		out := t.dst[pl*plane : (pl+1)*plane]
		clear(out)
		for l := 0; l < g.kh; l++ {
			for m := 0; m < g.kw; m++ {
				r := (ch*g.kh+l)*g.kw + m
				in := t.col[r*cols+img*outPlane : r*cols+(img+1)*outPlane]
				if g.stride == 1 {
					addRows(out[l*g.w+m:], g.w, in, g.ow, g.oh, g.ow)
					continue
				}
				for i := 0; i < g.oh; i++ {
					dst := out[(i*g.stride+l)*g.w+m:]
					for j, v := range in[i*g.ow : (i+1)*g.ow] {
						dst[j*g.stride] += v
					}
				}
			}
		}
	}
}
