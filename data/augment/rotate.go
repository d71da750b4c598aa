package augment

import "math"

// bilinear samples the rows×cols image src at the real position (y, x), pixel
// centres being at integer coordinates; pixels outside the image are zero.
func bilinear(src []uint8, rows, cols int, y, x float64) float64 {
	if !(y > -1 && y < float64(rows) && x > -1 && x < float64(cols)) { // also false for NaN
		return 0
	}
	fy, fx := math.Floor(y), math.Floor(x)
	y0, x0 := int(fy), int(fx)
	wy, wx := y-fy, x-fx
	at := func(r, c int) float64 {
		if r < 0 || r >= rows || c < 0 || c >= cols {
			return 0
		}
		return float64(src[r*cols+c])
	}
	top := at(y0, x0)*(1-wx) + at(y0, x0+1)*wx
	bot := at(y0+1, x0)*(1-wx) + at(y0+1, x0+1)*wx
	return top*(1-wy) + bot*wy
}

// toUint8 rounds v to the nearest integer in [0, 255].
func toUint8(v float64) uint8 {
	switch {
	case v <= 0 || v != v:
		return 0
	case v >= 255:
		return 255
	}
	return uint8(v + 0.5)
}

// Rotate writes into dst the rows×cols image src rotated by radians about its
// centre, counterclockwise as displayed (rows going down), with bilinear
// interpolation; pixels that come from outside the image are zero. dst and
// src must not overlap. Rotate does not allocate.
func Rotate(dst, src []uint8, rows, cols int, radians float64) {
	checkImage("Rotate", dst, src, rows, cols)
	affine(dst, src, rows, cols, radians, 1, 0, 0)
}

// affine writes into dst the image src rotated by radians and scaled by
// scale (> 0) about its centre, then moved dy pixels down and dx pixels
// right, in one bilinear pass.
func affine(dst, src []uint8, rows, cols int, radians, scale, dy, dx float64) {
	sin, cos := math.Sincos(radians)
	// Snap exact quarter turns so that they move pixels without blurring.
	if math.Abs(sin) < 1e-12 {
		sin = 0
	}
	if math.Abs(cos) < 1e-12 {
		cos = 0
	}
	// Inverse zoom: a destination offset comes from offset/scale in src.
	sin, cos = sin/scale, cos/scale
	cy, cx := float64(rows-1)/2, float64(cols-1)/2
	for r := range rows {
		// Offset from the centre of the destination pixel before the shift.
		oy := float64(r) - dy - cy
		for c := range cols {
			ox := float64(c) - dx - cx
			// Inverse rotation: where in src this pixel comes from.
			sx := cx + ox*cos - oy*sin
			sy := cy + ox*sin + oy*cos
			dst[r*cols+c] = toUint8(bilinear(src, rows, cols, sy, sx))
		}
	}
}
