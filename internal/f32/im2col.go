package f32

import "fmt"

// convGeom is the geometry shared by Im2col and Col2im.
// The planes are those of n images of a batch of nb ([C][nb][H][W]):
// plane (ch, img) starts at (ch·nb + img)·H·W of the planes' slice, and
// col is laid out for the whole batch, rows ld floats apart
// ([C·kh·kw][ld], ld ≥ nb·OH·OW): the n images' columns of row r start at
// r·ld of col's slice.
type convGeom struct {
	c, n, nb, h, w, kh, kw, stride, oh, ow, ld int
}

func newConvGeom(c, n, nb, h, w, kh, kw, stride, ld int) convGeom {
	if stride < 1 || kh < 1 || kw < 1 || kh > h || kw > w {
		panic(fmt.Sprintf("f32: bad convolution geometry: %d×%d image, %d×%d kernel, stride %d", h, w, kh, kw, stride))
	}
	oh, ow := (h-kh)/stride+1, (w-kw)/stride+1
	if ld < nb*oh*ow {
		panic(fmt.Sprintf("f32: col rows %d floats apart, less than %d images of %d×%d outputs", ld, nb, oh, ow))
	}
	return convGeom{c, n, nb, h, w, kh, kw, stride, oh, ow, ld}
}

// parGrain is the number of floats below which a chunk of a memory-bound
// kernel is not worth handing to another worker.
const parGrain = 1 << 14

// grainOf returns the number of items of size floats that make a chunk.
func grainOf(size int) int { return max(1, parGrain/max(size, 1)) }

type im2colTask struct {
	convGeom
	src, dst []float32
}

// Run fills rows [lo, hi) of dst.
func (t *im2colTask) Run(lo, hi int) {
	g := t.convGeom
	plane, outPlane := g.h*g.w, g.oh*g.ow
	cols, ld := g.n*outPlane, g.ld
	for r := lo; r < hi; r++ {
		ch, l, m := r/(g.kh*g.kw), r/g.kw%g.kh, r%g.kw
		row := t.dst[r*ld : r*ld+cols]
		if g.stride == 1 { // every image's block of this row in one call
			copyBlocks(row, g.ow, t.src[ch*g.nb*plane+l*g.w+m:], g.w, g.oh, g.ow, g.n, outPlane, plane)
			continue
		}
		for img := 0; img < g.n; img++ {
			in := t.src[(ch*g.nb+img)*plane : (ch*g.nb+img+1)*plane]
			out := row[img*outPlane : (img+1)*outPlane]
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

type col2imTask struct {
	convGeom
	col, dst []float32
}

// Run computes planes [lo, hi) (plane ch·n+img) of dst.
func (t *col2imTask) Run(lo, hi int) {
	g := t.convGeom
	plane, outPlane := g.h*g.w, g.oh*g.ow
	ld := g.ld
	for pl := lo; pl < hi; pl++ {
		ch, img := pl/g.n, pl%g.n
		out := t.dst[(ch*g.nb+img)*plane : (ch*g.nb+img+1)*plane]
		if t.col2imPlane(ch, img, out) {
			continue
		}
		clear(out)
		for l := 0; l < g.kh; l++ {
			for m := 0; m < g.kw; m++ {
				r := (ch*g.kh+l)*g.kw + m
				in := t.col[r*ld+img*outPlane : r*ld+(img+1)*outPlane]
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
