package f32

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"
)

type simdVariant struct {
	name   string
	enable func() (restore func())
}

// forEachVariant runs f for every implementation and worker count.
func forEachVariant(t *testing.T, f func(t *testing.T)) {
	defer SetWorkers(0)
	for _, v := range simdVariants() {
		for _, w := range []int{1, 2, 3} {
			t.Run(fmt.Sprintf("%s/w%d", v.name, w), func(t *testing.T) {
				restore := v.enable()
				defer restore()
				SetWorkers(w)
				f(t)
			})
		}
	}
}

// withGuards returns s with n guard values on each side (and the inner slice).
func withGuards(n int) (full, inner []float32) {
	full = make([]float32, n+64)
	for i := range full {
		full[i] = guard
	}
	return full, full[32 : 32+n]
}

func sameBits(t *testing.T, what string, got, want []float32) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%s: length %d, want %d", what, len(got), len(want))
	}
	for i := range got {
		if math.Float32bits(got[i]) != math.Float32bits(want[i]) {
			t.Fatalf("%s: [%d] = %v, want %v", what, i, got[i], want[i])
		}
	}
}

func checkOuter(t *testing.T, what string, full []float32) {
	t.Helper()
	for _, i := range []int{0, 31, len(full) - 32, len(full) - 1} {
		if math.Float32bits(full[i]) != guardBits {
			t.Fatalf("%s: guard overwritten", what)
		}
	}
	for i := range 32 {
		if math.Float32bits(full[i]) != guardBits || math.Float32bits(full[len(full)-1-i]) != guardBits {
			t.Fatalf("%s: guard overwritten", what)
		}
	}
}

var convGeoms = [][7]int{ // c, n, h, w, kh, kw, stride
	{1, 10, 28, 28, 5, 5, 1}, {20, 10, 12, 12, 5, 5, 1}, {3, 2, 7, 9, 3, 2, 1},
	{2, 3, 9, 7, 3, 3, 2}, {1, 1, 5, 5, 5, 5, 1}, {2, 2, 17, 40, 1, 1, 1},
	{1, 2, 11, 13, 3, 4, 3}, {4, 1, 33, 35, 2, 2, 1},
}

func TestIm2colCol2im(t *testing.T) {
	rng := rand.New(rand.NewPCG(11, 12))
	forEachVariant(t, func(t *testing.T) {
		for _, g := range convGeoms {
			c, n, h, w, kh, kw, s := g[0], g[1], g[2], g[3], g[4], g[5], g[6]
			oh, ow := (h-kh)/s+1, (w-kw)/s+1
			src := randSlice(rng, c*n*h*w)
			ncol := c * kh * kw * n * oh * ow
			want := make([]float32, ncol)
			Im2colRef(src, c, n, h, w, kh, kw, s, want)
			full, got := withGuards(ncol)
			Im2col(src, c, n, h, w, kh, kw, s, got)
			what := fmt.Sprint("Im2col", g)
			checkOuter(t, what, full)
			sameBits(t, what, got, want)

			col := randSlice(rng, ncol)
			want2 := randSlice(rng, c*n*h*w)
			Col2imRef(col, c, n, h, w, kh, kw, s, want2)
			full2, got2 := withGuards(c * n * h * w)
			Col2im(col, c, n, h, w, kh, kw, s, got2)
			what = fmt.Sprint("Col2im", g)
			checkOuter(t, what, full2)
			sameBits(t, what, got2, want2)
		}
	})
}

func TestPooling(t *testing.T) {
	rng := rand.New(rand.NewPCG(13, 14))
	geoms := [][5]int{{200, 24, 24, 2, 2}, {400, 8, 8, 2, 2}, {3, 7, 9, 2, 2}, {5, 9, 7, 3, 2}, {2, 5, 5, 1, 1}, {33, 6, 6, 3, 3}}
	forEachVariant(t, func(t *testing.T) {
		for _, g := range geoms {
			planes, h, w, p, q := g[0], g[1], g[2], g[3], g[4]
			oh, ow := h/p, w/q
			src := randSlice(rng, planes*h*w)
			for i := range src { // ties, zeros, negative zeros and a NaN
				switch rng.IntN(8) {
				case 0:
					src[i] = float32(rng.IntN(3))
				case 1:
					src[i] = float32(math.Copysign(0, -1))
				}
			}
			src[len(src)/2] = float32(math.NaN())
			wantY := make([]float32, planes*oh*ow)
			wantA := make([]int32, planes*oh*ow)
			MaxPoolRef(src, planes, h, w, p, q, wantY, wantA)
			fullY, y := withGuards(planes * oh * ow)
			arg := make([]int32, planes*oh*ow)
			MaxPool(src, planes, h, w, p, q, y, arg)
			what := fmt.Sprint("MaxPool", g)
			checkOuter(t, what, fullY)
			sameBits(t, what, y, wantY)
			for i := range arg {
				if arg[i] != wantA[i] {
					t.Fatalf("%s: arg[%d] = %d, want %d", what, i, arg[i], wantA[i])
				}
			}
			gy := randSlice(rng, planes*oh*ow)
			gy[0] = float32(math.Copysign(0, -1))
			wantGX := randSlice(rng, planes*h*w)
			MaxPoolBackwardRef(gy, wantA, planes, h, w, p, q, wantGX)
			fullGX, gx := withGuards(planes * h * w)
			MaxPoolBackward(gy, arg, planes, h, w, p, q, gx)
			what = fmt.Sprint("MaxPoolBackward", g)
			checkOuter(t, what, fullGX)
			sameBits(t, what, gx, wantGX)

			L2PoolRef(src, planes, h, w, p, q, wantY)
			L2Pool(src, planes, h, w, p, q, y)
			what = fmt.Sprint("L2Pool", g)
			checkOuter(t, what, fullY)
			sameBits(t, what, y, wantY)
			L2PoolBackwardRef(gy, src, wantY, planes, h, w, p, q, wantGX)
			L2PoolBackward(gy, src, y, planes, h, w, p, q, gx)
			what = fmt.Sprint("L2PoolBackward", g)
			checkOuter(t, what, fullGX)
			sameBits(t, what, gx, wantGX)

			AvgPoolRef(src, planes, h, w, p, q, wantY)
			AvgPool(src, planes, h, w, p, q, y)
			what = fmt.Sprint("AvgPool", g)
			checkOuter(t, what, fullY)
			sameBits(t, what, y, wantY)
			AvgPoolBackwardRef(gy, planes, h, w, p, q, wantGX)
			AvgPoolBackward(gy, planes, h, w, p, q, gx)
			what = fmt.Sprint("AvgPoolBackward", g)
			checkOuter(t, what, fullGX)
			sameBits(t, what, gx, wantGX)
		}
	})
}

func TestElementwise(t *testing.T) {
	rng := rand.New(rand.NewPCG(15, 16))
	forEachVariant(t, func(t *testing.T) {
		for _, n := range append(oddSizes, 1000, 70001) {
			x := randSlice(rng, n)
			y0 := randSlice(rng, n)
			want := append([]float32(nil), y0...)
			AxpyRef(-0.3, x, want)
			full, y := withGuards(n)
			copy(y, y0)
			Axpy(-0.3, x, y)
			checkOuter(t, "Axpy", full)
			sameBits(t, fmt.Sprint("Axpy n=", n), y, want)

			ScaleRef(1.7, want)
			Scale(1.7, y)
			checkOuter(t, "Scale", full)
			sameBits(t, fmt.Sprint("Scale n=", n), y, want)
		}
		for _, s := range [][3]int{{10, 100, 100}, {3, 17, 20}, {20, 5760, 5760}, {1, 1, 1}, {7, 33, 40}} {
			m, n, ld := s[0], s[1], s[2]
			v := randSlice(rng, max(m, n))
			y0 := randSlice(rng, (m-1)*ld+n)
			want := append([]float32(nil), y0...)
			AddRowVectorRef(m, n, v, want, ld)
			full, y := withGuards(len(y0))
			copy(y, y0)
			AddRowVector(m, n, v, y, ld)
			checkOuter(t, "AddRowVector", full)
			sameBits(t, fmt.Sprint("AddRowVector", s), y, want)

			AddColVectorRef(m, n, v, want, ld)
			AddColVector(m, n, v, y, ld)
			checkOuter(t, "AddColVector", full)
			sameBits(t, fmt.Sprint("AddColVector", s), y, want)
		}
	})
}

func TestKernelsNoAlloc(t *testing.T) {
	defer SetWorkers(0)
	SetWorkers(2)
	const c, n = 20, 10
	src := make([]float32, c*n*12*12)
	col := make([]float32, c*25*n*64)
	planes := make([]float32, 200*24*24)
	pooled := make([]float32, 200*12*12)
	arg := make([]int32, 200*12*12)
	big := make([]float32, 1<<20)
	checks := map[string]func(){
		"Im2col":          func() { Im2col(src, c, n, 12, 12, 5, 5, 1, col) },
		"Col2im":          func() { Col2im(col, c, n, 12, 12, 5, 5, 1, src) },
		"MaxPool":         func() { MaxPool(planes, 200, 24, 24, 2, 2, pooled, arg) },
		"MaxPoolBackward": func() { MaxPoolBackward(pooled, arg, 200, 24, 24, 2, 2, planes) },
		"L2Pool":          func() { L2Pool(planes, 200, 24, 24, 2, 2, pooled) },
		"AvgPool":         func() { AvgPool(planes, 200, 24, 24, 2, 2, pooled) },
		"Axpy":            func() { Axpy(0.5, big, big) },
		"AddColVector":    func() { AddColVector(20, 5760, big, big[1000:], 5760) },
		"SGDUpdate":       func() { SGDUpdate(big[:1<<18], big[1<<18:2<<18], 0, 0) },
		"MomentumUpdate":  func() { MomentumUpdate(big[:1<<18], big[1<<18:2<<18], big[2<<18:3<<18], 0, 0, 0.9, true) },
		"AdamUpdate":      func() { AdamUpdate(big[:1<<18], big[1<<18:2<<18], big[2<<18:3<<18], big[3<<18:], AdamScalars{Eps: 1}) },
		"RMSpropUpdate":   func() { RMSpropUpdate(big[:1<<18], big[1<<18:2<<18], big[2<<18:3<<18], 0, 0, 0.99, 0.01, 1) },
		"SumSquares":      func() { SumSquares(big) },
	}
	for name, f := range checks {
		if a := testing.AllocsPerRun(5, f); a != 0 {
			t.Errorf("%s: %v allocations per call", name, a)
		}
	}
}
