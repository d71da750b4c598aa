//go:build amd64 && !purego

#include "textflag.h"
#include "vec_amd64.h"

// func axpyAVX512(n int, a float32, x, y *float32)
// y[i] = y[i] + a·x[i], the product rounded first (as Go computes it).
TEXT ·axpyAVX512(SB), NOSPLIT, $0-32
	VECSETUP
	VBROADCASTSS a+8(FP), Z2
	MOVQ x+16(FP), SI
	MOVQ y+24(FP), DI
	TESTQ CX, CX
	JZ tail
loop:
	VMULPS (SI), Z2, Z0
	VADDPS (DI), Z0, Z0
	VMOVUPS Z0, (DI)
	ADDQ $64, SI
	ADDQ $64, DI
	DECQ CX
	JNZ loop
tail:
	VMOVUPS.Z (SI), K1, Z0
	VMOVUPS.Z (DI), K1, Z1
	VMULPS Z0, Z2, Z0
	VADDPS Z1, Z0, Z0
	VMOVUPS Z0, K1, (DI)
	VZEROUPPER
	RET

// func scaleAVX512(n int, a float32, x *float32)
TEXT ·scaleAVX512(SB), NOSPLIT, $0-24
	VECSETUP
	VBROADCASTSS a+8(FP), Z2
	MOVQ x+16(FP), DI
	TESTQ CX, CX
	JZ tail
loop:
	VMULPS (DI), Z2, Z0
	VMOVUPS Z0, (DI)
	ADDQ $64, DI
	DECQ CX
	JNZ loop
tail:
	VMOVUPS.Z (DI), K1, Z0
	VMULPS Z0, Z2, Z0
	VMOVUPS Z0, K1, (DI)
	VZEROUPPER
	RET

// func addConstAVX512(n int, a float32, x *float32)
TEXT ·addConstAVX512(SB), NOSPLIT, $0-24
	VECSETUP
	VBROADCASTSS a+8(FP), Z2
	MOVQ x+16(FP), DI
	TESTQ CX, CX
	JZ tail
loop:
	VADDPS (DI), Z2, Z0
	VMOVUPS Z0, (DI)
	ADDQ $64, DI
	DECQ CX
	JNZ loop
tail:
	VMOVUPS.Z (DI), K1, Z0
	VADDPS Z0, Z2, Z0
	VMOVUPS Z0, K1, (DI)
	VZEROUPPER
	RET

// func sumBlocksAVX512(n int, x *float32, p *[32]float64)
// n is a multiple of 32; p[l] += x[j] (as float64) for j ≡ l mod 32.
TEXT ·sumBlocksAVX512(SB), NOSPLIT, $0-24
	MOVQ n+0(FP), CX
	MOVQ x+8(FP), SI
	MOVQ p+16(FP), DI
	VMOVUPD (DI), Z0
	VMOVUPD 64(DI), Z1
	VMOVUPD 128(DI), Z2
	VMOVUPD 192(DI), Z3
	SHRQ $5, CX
	JZ done
loop:
	VCVTPS2PD (SI), Z4
	VCVTPS2PD 32(SI), Z5
	VCVTPS2PD 64(SI), Z6
	VCVTPS2PD 96(SI), Z7
	VADDPD Z4, Z0, Z0
	VADDPD Z5, Z1, Z1
	VADDPD Z6, Z2, Z2
	VADDPD Z7, Z3, Z3
	ADDQ $128, SI
	DECQ CX
	JNZ loop
done:
	VMOVUPD Z0, (DI)
	VMOVUPD Z1, 64(DI)
	VMOVUPD Z2, 128(DI)
	VMOVUPD Z3, 192(DI)
	VZEROUPPER
	RET

// func reluAVX512(n int, x, y *float32)
// y = max(0, x) + 0: VMAXPS returns x when x is NaN or either zero, and
// adding +0 turns −0 into +0, as Go's max(x, 0).
TEXT ·reluAVX512(SB), NOSPLIT, $0-24
	VECSETUP
	MOVQ x+8(FP), SI
	MOVQ y+16(FP), DI
	VXORPS Z2, Z2, Z2
	TESTQ CX, CX
	JZ tail
loop:
	VMOVUPS (SI), Z0
	VMAXPS Z0, Z2, Z0
	VADDPS Z2, Z0, Z0
	VMOVUPS Z0, (DI)
	ADDQ $64, SI
	ADDQ $64, DI
	DECQ CX
	JNZ loop
tail:
	VMOVUPS.Z (SI), K1, Z0
	VMAXPS Z0, Z2, Z0
	VADDPS Z2, Z0, Z0
	VMOVUPS Z0, K1, (DI)
	VZEROUPPER
	RET

// func reluBackwardAVX512(n int, y, gy, gx *float32)
// gx = gy where y > 0 (ordered), else +0: a zeroing masked load of gy.
TEXT ·reluBackwardAVX512(SB), NOSPLIT, $0-32
	VECSETUP
	MOVQ y+8(FP), SI
	MOVQ gy+16(FP), BX
	MOVQ gx+24(FP), DI
	VXORPS Z2, Z2, Z2
	TESTQ CX, CX
	JZ tail
loop:
	VMOVUPS (SI), Z0
	VCMPPS $0x1e, Z2, Z0, K2
	VMOVUPS.Z (BX), K2, Z1
	VMOVUPS Z1, (DI)
	ADDQ $64, SI
	ADDQ $64, BX
	ADDQ $64, DI
	DECQ CX
	JNZ loop
tail:
	VMOVUPS.Z (SI), K1, Z0
	VCMPPS $0x1e, Z2, Z0, K2
	KANDW K1, K2, K2
	VMOVUPS.Z (BX), K2, Z1
	VMOVUPS Z1, K1, (DI)
	VZEROUPPER
	RET
