//go:build amd64 && !purego

#include "textflag.h"

// VECSETUP: CX = n/16 full chunks, K1 = mask of the n%16 tail.
#define VECSETUP \
	MOVQ n+0(FP), DX \
	MOVQ DX, CX \
	ANDQ $15, CX \
	MOVL $1, AX \
	SHLL CX, AX \
	DECL AX \
	KMOVW AX, K1 \
	MOVQ DX, CX \
	SHRQ $4, CX

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
