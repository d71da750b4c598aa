package f32

import "math"

// GemmRef computes C = alpha·op(A)·op(B) + beta·C, the naive way.
// op(A) is m×k (A is k×m when transA), op(B) is k×n (B is n×k when transB),
// C is m×n; lda, ldb, ldc are the row strides. When beta is 0, C is
// overwritten without being read (NaNs in C do not propagate).
func GemmRef(transA, transB bool, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int) {
	for i := 0; i < m; i++ {
		for j := 0; j < n; j++ {
			var s float32
			for p := 0; p < k; p++ {
				var av, bv float32
				if transA {
					av = a[p*lda+i]
				} else {
					av = a[i*lda+p]
				}
				if transB {
					bv = b[j*ldb+p]
				} else {
					bv = b[p*ldb+j]
				}
				s += av * bv
			}
			if beta == 0 {
				c[i*ldc+j] = alpha * s
			} else {
				c[i*ldc+j] = alpha*s + beta*c[i*ldc+j]
			}
		}
	}
}

// Im2colRef unrolls the receptive fields of src, planes [C][N][H][W], into
// dst [C·kh·kw][N·OH·OW] with OH = (H-kh)/stride+1, OW = (W-kw)/stride+1
// ("valid" convolution). Row (c·kh+l)·kw+m of dst holds, for every output
// position (n, i, j), the pixel src[c][n][i·stride+l][j·stride+m].
func Im2colRef(src []float32, c, n, h, w, kh, kw, stride int, dst []float32) {
	oh, ow := (h-kh)/stride+1, (w-kw)/stride+1
	cols := n * oh * ow
	for ch := 0; ch < c; ch++ {
		for l := 0; l < kh; l++ {
			for m := 0; m < kw; m++ {
				row := dst[((ch*kh+l)*kw+m)*cols:]
				for img := 0; img < n; img++ {
					plane := src[(ch*n+img)*h*w:]
					for i := 0; i < oh; i++ {
						for j := 0; j < ow; j++ {
							row[(img*oh+i)*ow+j] = plane[(i*stride+l)*w+j*stride+m]
						}
					}
				}
			}
		}
	}
}

// Col2imRef is the adjoint of Im2colRef: dst, planes [C][N][H][W], is set to
// the sum over receptive fields of col [C·kh·kw][N·OH·OW]. Pixels that no
// receptive field covers are set to zero.
func Col2imRef(col []float32, c, n, h, w, kh, kw, stride int, dst []float32) {
	clear(dst[:c*n*h*w])
	oh, ow := (h-kh)/stride+1, (w-kw)/stride+1
	cols := n * oh * ow
	for ch := 0; ch < c; ch++ {
		for l := 0; l < kh; l++ {
			for m := 0; m < kw; m++ {
				row := col[((ch*kh+l)*kw+m)*cols:]
				for img := 0; img < n; img++ {
					plane := dst[(ch*n+img)*h*w:]
					for i := 0; i < oh; i++ {
						for j := 0; j < ow; j++ {
							plane[(i*stride+l)*w+j*stride+m] += row[(img*oh+i)*ow+j]
						}
					}
				}
			}
		}
	}
}

// MaxPoolRef pools each of the planes h×w of src into (h/p)×(w/q) maxima of
// p×q blocks (border rows and columns that do not fill a block are ignored,
// as network3's ignore_border). arg receives, per output, the index within
// its plane of the maximum (the first one on ties), for MaxPoolBackwardRef.
func MaxPoolRef(src []float32, planes, h, w, p, q int, dst []float32, arg []int32) {
	oh, ow := h/p, w/q
	for pl := 0; pl < planes; pl++ {
		in := src[pl*h*w:]
		for i := 0; i < oh; i++ {
			for j := 0; j < ow; j++ {
				best := int32((i*p)*w + j*q)
				bv := in[best]
				for a := 0; a < p; a++ {
					for b := 0; b < q; b++ {
						idx := int32((i*p+a)*w + j*q + b)
						if v := in[idx]; v > bv {
							bv, best = v, idx
						}
					}
				}
				o := (pl*oh+i)*ow + j
				dst[o] = bv
				arg[o] = best
			}
		}
	}
}

// MaxPoolBackwardRef routes each output gradient gy to the input that was the
// maximum; gx (planes h×w) is overwritten.
func MaxPoolBackwardRef(gy []float32, arg []int32, planes, h, w, p, q int, gx []float32) {
	clear(gx[:planes*h*w])
	oh, ow := h/p, w/q
	for pl := 0; pl < planes; pl++ {
		for o := 0; o < oh*ow; o++ {
			gx[pl*h*w+int(arg[pl*oh*ow+o])] += gy[pl*oh*ow+o]
		}
	}
}

// L2PoolRef sets each output to the square root of the sum of squares of its
// p×q block (border ignored as in MaxPoolRef).
func L2PoolRef(src []float32, planes, h, w, p, q int, dst []float32) {
	oh, ow := h/p, w/q
	for pl := 0; pl < planes; pl++ {
		in := src[pl*h*w:]
		for i := 0; i < oh; i++ {
			for j := 0; j < ow; j++ {
				var s float32
				for a := 0; a < p; a++ {
					for b := 0; b < q; b++ {
						v := in[(i*p+a)*w+j*q+b]
						s += v * v
					}
				}
				dst[(pl*oh+i)*ow+j] = float32(math.Sqrt(float64(s)))
			}
		}
	}
}

// L2PoolBackwardRef: with y = sqrt(Σx²), dy/dx = x/y (0 where y is 0).
// gx (planes h×w) is overwritten; y is the forward output.
func L2PoolBackwardRef(gy, src, y []float32, planes, h, w, p, q int, gx []float32) {
	clear(gx[:planes*h*w])
	oh, ow := h/p, w/q
	for pl := 0; pl < planes; pl++ {
		for i := 0; i < oh; i++ {
			for j := 0; j < ow; j++ {
				o := (pl*oh+i)*ow + j
				if y[o] == 0 {
					continue
				}
				s := gy[o] / y[o]
				for a := 0; a < p; a++ {
					for b := 0; b < q; b++ {
						idx := pl*h*w + (i*p+a)*w + j*q + b
						gx[idx] += s * src[idx]
					}
				}
			}
		}
	}
}

// AvgPoolRef sets each output to the mean of its p×q block (border ignored
// as in MaxPoolRef), summing the block row by row.
func AvgPoolRef(src []float32, planes, h, w, p, q int, dst []float32) {
	oh, ow := h/p, w/q
	scale := 1 / float32(p*q)
	for pl := 0; pl < planes; pl++ {
		in := src[pl*h*w:]
		for i := 0; i < oh; i++ {
			for j := 0; j < ow; j++ {
				var s float32
				for a := 0; a < p; a++ {
					for _, v := range in[(i*p+a)*w+j*q : (i*p+a)*w+j*q+q] {
						s += v
					}
				}
				dst[(pl*oh+i)*ow+j] = s * scale
			}
		}
	}
}

// AvgPoolBackwardRef spreads each output gradient evenly over its block;
// gx (planes h×w) is overwritten, the ignored border with zeros.
func AvgPoolBackwardRef(gy []float32, planes, h, w, p, q int, gx []float32) {
	clear(gx[:planes*h*w])
	oh, ow := h/p, w/q
	scale := 1 / float32(p*q)
	for pl := 0; pl < planes; pl++ {
		out := gx[pl*h*w:]
		for i := 0; i < oh; i++ {
			for j := 0; j < ow; j++ {
				g := gy[(pl*oh+i)*ow+j] * scale
				for a := 0; a < p; a++ {
					for b := 0; b < q; b++ {
						out[(i*p+a)*w+j*q+b] = g
					}
				}
			}
		}
	}
}
