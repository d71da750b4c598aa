//go:build amd64 && !purego

package f32

// cpuid and xgetbv are implemented in cpu_amd64.s.
func cpuid(eax, ecx uint32) (a, b, c, d uint32)
func xgetbv() (eax uint32)

// hasAVX2, hasAVX512 report what the processor and the operating system
// support: AVX2 with FMA (and saved YMM state), and AVX-512 F/DQ/BW/VL (with
// saved opmask and ZMM state).
var hasAVX2, hasAVX512 = detectCPU()

func detectCPU() (avx2, avx512 bool) {
	maxID, _, _, _ := cpuid(0, 0)
	if maxID < 7 {
		return false, false
	}
	_, _, ecx1, _ := cpuid(1, 0)
	const osxsave, avx, fma = 1 << 27, 1 << 28, 1 << 12
	if ecx1&osxsave == 0 || ecx1&avx == 0 || ecx1&fma == 0 {
		return false, false
	}
	xcr0 := xgetbv()
	if xcr0&6 != 6 { // SSE and AVX state
		return false, false
	}
	_, ebx7, _, _ := cpuid(7, 0)
	avx2 = ebx7&(1<<5) != 0
	const f, dq, bw, vl = 1 << 16, 1 << 17, 1 << 30, 1 << 31
	avx512 = avx2 && ebx7&(f|dq|bw|vl) == f|dq|bw|vl && xcr0&0xe0 == 0xe0
	return avx2, avx512
}
