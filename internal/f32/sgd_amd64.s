//go:build amd64 && !purego

#include "textflag.h"
#include "vec_amd64.h"

// SGDSTEP: Z0 = w - lr·(g + decay·w), rounding each step as Go does.
#define SGDSTEP \
	VMULPS Z0, Z3, Z4 \
	VADDPS Z1, Z4, Z4 \
	VMULPS Z4, Z2, Z4 \
	VSUBPS Z4, Z0, Z0

// func sgdUpdateAVX512(n int, w, grad *float32, lr, decay float32)
TEXT ·sgdUpdateAVX512(SB), NOSPLIT, $0-32
	VECSETUP
	MOVQ w+8(FP), DI
	MOVQ grad+16(FP), SI
	VBROADCASTSS lr+24(FP), Z2
	VBROADCASTSS decay+28(FP), Z3
	TESTQ CX, CX
	JZ tail
loop:
	VMOVUPS (DI), Z0
	VMOVUPS (SI), Z1
	SGDSTEP
	VMOVUPS Z0, (DI)
	ADDQ $64, DI
	ADDQ $64, SI
	DECQ CX
	JNZ loop
tail:
	VMOVUPS.Z (DI), K1, Z0
	VMOVUPS.Z (SI), K1, Z1
	SGDSTEP
	VMOVUPS Z0, K1, (DI)
	VZEROUPPER
	RET

// MOMSTEP: with d = g + decay·w: v = mu·v - lr·d; w += v, or with
// Nesterov (BX ≠ 0) w += mu·v - lr·d. Z0 w, Z1 g, Z5 v.
#define MOMSTEP \
	VMULPS Z0, Z3, Z4 \
	VADDPS Z1, Z4, Z4 \
	VMULPS Z4, Z2, Z6 \
	VMULPS Z5, Z7, Z5 \
	VSUBPS Z6, Z5, Z5 \
	VMOVAPS Z5, Z8 \
	TESTQ BX, BX \
	JZ 2(PC) \
	VMULPS Z5, Z7, Z8 \
	TESTQ BX, BX \
	JZ 2(PC) \
	VSUBPS Z6, Z8, Z8 \
	VADDPS Z8, Z0, Z0

// func momentumUpdateAVX512(n int, w, grad, v *float32, lr, decay, mu float32, nesterov bool)
TEXT ·momentumUpdateAVX512(SB), NOSPLIT, $0-45
	VECSETUP
	MOVQ w+8(FP), DI
	MOVQ grad+16(FP), SI
	MOVQ v+24(FP), R8
	VBROADCASTSS lr+32(FP), Z2
	VBROADCASTSS decay+36(FP), Z3
	VBROADCASTSS mu+40(FP), Z7
	MOVBQZX nesterov+44(FP), BX
	TESTQ CX, CX
	JZ tail
loop:
	VMOVUPS (DI), Z0
	VMOVUPS (SI), Z1
	VMOVUPS (R8), Z5
	MOMSTEP
	VMOVUPS Z5, (R8)
	VMOVUPS Z0, (DI)
	ADDQ $64, DI
	ADDQ $64, SI
	ADDQ $64, R8
	DECQ CX
	JNZ loop
tail:
	VMOVUPS.Z (DI), K1, Z0
	VMOVUPS.Z (SI), K1, Z1
	VMOVUPS.Z (R8), K1, Z5
	MOMSTEP
	VMOVUPS Z5, K1, (R8)
	VMOVUPS Z0, K1, (DI)
	VZEROUPPER
	RET
