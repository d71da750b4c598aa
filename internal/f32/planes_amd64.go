//go:build amd64 && !purego

package f32

//go:noescape
func col2imPlaneAVX512(col *float32, cs int, dst *float32, h, w, kh, kw int)

//go:noescape
func maxPool2x2AVX512(src *float32, dst *float32, arg *int32, planes, h, w int)

// col2imPlane computes plane (ch, img) of Col2im with the AVX-512 kernel
// and reports true, or reports false where it does not apply.
func (t *col2imTask) col2imPlane(ch, img int, out []float32) bool {
	g := t.convGeom
	if !hasAVX512 || g.stride != 1 || g.w > 16 {
		return false
	}
	ld := g.ld
	col := t.col[ch*g.kh*g.kw*ld+img*g.oh*g.ow:]
	_ = col[((g.kh*g.kw)-1)*ld+g.oh*g.ow-1]
	col2imPlaneAVX512(&col[0], ld, &out[0], g.h, g.w, g.kh, g.kw)
	return true
}

// maxPlanes runs MaxPool on planes [lo, hi) with the AVX-512 kernel and
// reports true, or reports false where it does not apply.
func (t *poolTask) maxPlanes(lo, hi int) bool {
	if !hasAVX512 || t.p != 2 || t.q != 2 || t.w > 32 || t.oh == 0 || t.ow == 0 || hi <= lo {
		return false
	}
	hw, o := t.h*t.w, t.oh*t.ow
	_ = t.src[hi*hw-1]
	_ = t.dst[hi*o-1]
	_ = t.arg[hi*o-1]
	maxPool2x2AVX512(&t.src[lo*hw], &t.dst[lo*o], &t.arg[lo*o], hi-lo, t.h, t.w)
	return true
}
