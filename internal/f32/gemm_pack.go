package f32

// packA copies rows [r0, r0+mr) and columns [k0, k0+kc) of op(A) into dst
// as kc groups of mr floats: dst[p·mr+r] = op(A)[r0+r][k0+p].
func packA(trans bool, a []float32, lda, r0, mr, k0, kc int, dst []float32) {
	dst = dst[:mr*kc]
	if trans {
		// op(A)[i][p] = a[p·lda+i]: each group is a contiguous run of a.
		for p := 0; p < kc; p++ {
			copy(dst[p*mr:p*mr+mr], a[(k0+p)*lda+r0:])
		}
		return
	}
	for r := 0; r < mr; r++ {
		src := a[(r0+r)*lda+k0 : (r0+r)*lda+k0+kc]
		for p, v := range src {
			dst[p*mr+r] = v
		}
	}
}

// packB copies rows [k0, k0+kc) and columns [j0, j0+cols) of op(B) into dst
// as ⌈cols/nr⌉ panels of kc rows of nr floats, zero-padding the last panel:
// panel q holds dst[q·kc·nr + p·nr + j] = op(B)[k0+p][j0+q·nr+j].
func packB(trans bool, b []float32, ldb, k0, kc, j0, cols, nr int, dst []float32) {
	for q := 0; q*nr < cols; q++ {
		w := min(nr, cols-q*nr)
		panel := dst[q*kc*nr : (q+1)*kc*nr]
		jq := j0 + q*nr
		if !trans {
			for p := 0; p < kc; p++ {
				row := panel[p*nr : p*nr+nr]
				copy(row, b[(k0+p)*ldb+jq:(k0+p)*ldb+jq+w])
				clear(row[w:])
			}
			continue
		}
		// op(B)[p][j] = b[j·ldb+p].
		for j := 0; j < w; j++ {
			src := b[(jq+j)*ldb+k0 : (jq+j)*ldb+k0+kc]
			for p, v := range src {
				panel[p*nr+j] = v
			}
		}
		if w < nr {
			for p := 0; p < kc; p++ {
				clear(panel[p*nr+w : p*nr+nr])
			}
		}
	}
}
