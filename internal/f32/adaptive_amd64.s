//go:build amd64 && !purego

#include "textflag.h"
#include "vec_amd64.h"

// Both kernels round every operation as their Ref twins do (no FMA).
// Lanes masked out of a tail compute on zeros and are not stored.

// ADAMSTEP: Z0 w, Z1 g, Z2 m, Z3 v; with d = g + decay·w:
// m = β1·m + (1-β1)·d; v = β2·v + ((1-β2)·d)·d;
// w -= (rate·m) / (√v/√c2 + ε).
#define ADAMSTEP \
	VMULPS Z0, Z10, Z4 \
	VADDPS Z4, Z1, Z4 \
	VMULPS Z2, Z11, Z2 \
	VMULPS Z4, Z13, Z5 \
	VADDPS Z5, Z2, Z2 \
	VMULPS Z3, Z12, Z3 \
	VMULPS Z4, Z14, Z5 \
	VMULPS Z4, Z5, Z5 \
	VADDPS Z5, Z3, Z3 \
	VSQRTPS Z3, Z6 \
	VDIVPS Z16, Z6, Z6 \
	VADDPS Z17, Z6, Z6 \
	VMULPS Z2, Z15, Z7 \
	VDIVPS Z6, Z7, Z7 \
	VSUBPS Z7, Z0, Z0

// func adamUpdateAVX512(n int, w, grad, m, v *float32, s *AdamScalars)
TEXT ·adamUpdateAVX512(SB), NOSPLIT, $0-48
	VECSETUP
	MOVQ w+8(FP), DI
	MOVQ grad+16(FP), SI
	MOVQ m+24(FP), R8
	MOVQ v+32(FP), R9
	MOVQ s+40(FP), R10
	VBROADCASTSS 0(R10), Z10  // Decay
	VBROADCASTSS 4(R10), Z11  // Beta1
	VBROADCASTSS 8(R10), Z12  // Beta2
	VBROADCASTSS 12(R10), Z13 // OneMinusBeta1
	VBROADCASTSS 16(R10), Z14 // OneMinusBeta2
	VBROADCASTSS 20(R10), Z15 // Rate
	VBROADCASTSS 24(R10), Z16 // SqrtCorrection2
	VBROADCASTSS 28(R10), Z17 // Eps
	TESTQ CX, CX
	JZ tail
loop:
	VMOVUPS (DI), Z0
	VMOVUPS (SI), Z1
	VMOVUPS (R8), Z2
	VMOVUPS (R9), Z3
	ADAMSTEP
	VMOVUPS Z2, (R8)
	VMOVUPS Z3, (R9)
	VMOVUPS Z0, (DI)
	ADDQ $64, DI
	ADDQ $64, SI
	ADDQ $64, R8
	ADDQ $64, R9
	DECQ CX
	JNZ loop
tail:
	VMOVUPS.Z (DI), K1, Z0
	VMOVUPS.Z (SI), K1, Z1
	VMOVUPS.Z (R8), K1, Z2
	VMOVUPS.Z (R9), K1, Z3
	ADAMSTEP
	VMOVUPS Z2, K1, (R8)
	VMOVUPS Z3, K1, (R9)
	VMOVUPS Z0, K1, (DI)
	VZEROUPPER
	RET

// RMSSTEP: Z0 w, Z1 g, Z3 v; with d = g + decay·w:
// v = α·v + ((1-α)·d)·d; w -= (lr·d) / (√v + ε).
#define RMSSTEP \
	VMULPS Z0, Z10, Z4 \
	VADDPS Z4, Z1, Z4 \
	VMULPS Z3, Z12, Z3 \
	VMULPS Z4, Z14, Z5 \
	VMULPS Z4, Z5, Z5 \
	VADDPS Z5, Z3, Z3 \
	VSQRTPS Z3, Z6 \
	VADDPS Z17, Z6, Z6 \
	VMULPS Z4, Z15, Z7 \
	VDIVPS Z6, Z7, Z7 \
	VSUBPS Z7, Z0, Z0

// func rmspropUpdateAVX512(n int, w, grad, v *float32, lr, decay, alpha, oneMinusAlpha, eps float32)
TEXT ·rmspropUpdateAVX512(SB), NOSPLIT, $0-52
	VECSETUP
	MOVQ w+8(FP), DI
	MOVQ grad+16(FP), SI
	MOVQ v+24(FP), R9
	VBROADCASTSS lr+32(FP), Z15
	VBROADCASTSS decay+36(FP), Z10
	VBROADCASTSS alpha+40(FP), Z12
	VBROADCASTSS oneMinusAlpha+44(FP), Z14
	VBROADCASTSS eps+48(FP), Z17
	TESTQ CX, CX
	JZ tail
loop:
	VMOVUPS (DI), Z0
	VMOVUPS (SI), Z1
	VMOVUPS (R9), Z3
	RMSSTEP
	VMOVUPS Z3, (R9)
	VMOVUPS Z0, (DI)
	ADDQ $64, DI
	ADDQ $64, SI
	ADDQ $64, R9
	DECQ CX
	JNZ loop
tail:
	VMOVUPS.Z (DI), K1, Z0
	VMOVUPS.Z (SI), K1, Z1
	VMOVUPS.Z (R9), K1, Z3
	RMSSTEP
	VMOVUPS Z3, K1, (R9)
	VMOVUPS Z0, K1, (DI)
	VZEROUPPER
	RET
