//go:build amd64 && !purego

#include "textflag.h"
#include "vec_amd64.h"

// Batch normalisation kernels (batchnorm.go). The float32 ones round every
// operation as Go does (no FMA); the float64 sums convert each float to a
// double first, so products of two floats are exact.

// func bnSumBlocksAVX512(n int, a, b *float32, p, q *[32]float64)
// n is a multiple of 32; for j ≡ l mod 32, p[l] += a[j] and
// q[l] += a[j]·b[j] (as float64), in order of j. a == b (sums of squares)
// converts each block once.
TEXT ·bnSumBlocksAVX512(SB), NOSPLIT, $0-40
	MOVQ n+0(FP), CX
	MOVQ a+8(FP), SI
	MOVQ b+16(FP), BX
	MOVQ p+24(FP), DI
	MOVQ q+32(FP), DX
	VMOVUPD (DI), Z0
	VMOVUPD 64(DI), Z1
	VMOVUPD 128(DI), Z2
	VMOVUPD 192(DI), Z3
	VMOVUPD (DX), Z4
	VMOVUPD 64(DX), Z5
	VMOVUPD 128(DX), Z6
	VMOVUPD 192(DX), Z7
	SHRQ $5, CX
	JZ done
	CMPQ SI, BX
	JEQ squares
loop:
	VCVTPS2PD (SI), Z8
	VCVTPS2PD 32(SI), Z9
	VCVTPS2PD 64(SI), Z10
	VCVTPS2PD 96(SI), Z11
	VCVTPS2PD (BX), Z12
	VCVTPS2PD 32(BX), Z13
	VCVTPS2PD 64(BX), Z14
	VCVTPS2PD 96(BX), Z15
	VADDPD Z8, Z0, Z0
	VADDPD Z9, Z1, Z1
	VADDPD Z10, Z2, Z2
	VADDPD Z11, Z3, Z3
	VMULPD Z12, Z8, Z8
	VMULPD Z13, Z9, Z9
	VMULPD Z14, Z10, Z10
	VMULPD Z15, Z11, Z11
	VADDPD Z8, Z4, Z4
	VADDPD Z9, Z5, Z5
	VADDPD Z10, Z6, Z6
	VADDPD Z11, Z7, Z7
	ADDQ $128, SI
	ADDQ $128, BX
	DECQ CX
	JNZ loop
	JMP done
squares:
	VCVTPS2PD (SI), Z8
	VCVTPS2PD 32(SI), Z9
	VCVTPS2PD 64(SI), Z10
	VCVTPS2PD 96(SI), Z11
	VADDPD Z8, Z0, Z0
	VADDPD Z9, Z1, Z1
	VADDPD Z10, Z2, Z2
	VADDPD Z11, Z3, Z3
	VMULPD Z8, Z8, Z8
	VMULPD Z9, Z9, Z9
	VMULPD Z10, Z10, Z10
	VMULPD Z11, Z11, Z11
	VADDPD Z8, Z4, Z4
	VADDPD Z9, Z5, Z5
	VADDPD Z10, Z6, Z6
	VADDPD Z11, Z7, Z7
	ADDQ $128, SI
	DECQ CX
	JNZ squares
done:
	VMOVUPD Z0, (DI)
	VMOVUPD Z1, 64(DI)
	VMOVUPD Z2, 128(DI)
	VMOVUPD Z3, 192(DI)
	VMOVUPD Z4, (DX)
	VMOVUPD Z5, 64(DX)
	VMOVUPD Z6, 128(DX)
	VMOVUPD Z7, 192(DX)
	VZEROUPPER
	RET

// func bnSumsRowAVX512(n int, a, b *float32, s, q *float64)
// s[j] += a[j], q[j] += a[j]·b[j] (as float64) for j < n, eight at a time.
TEXT ·bnSumsRowAVX512(SB), NOSPLIT, $0-40
	MOVQ n+0(FP), DX
	MOVQ DX, CX
	ANDQ $7, CX
	MOVL $1, AX
	SHLL CX, AX
	DECL AX
	KMOVW AX, K1
	MOVQ DX, CX
	SHRQ $3, CX
	MOVQ a+8(FP), SI
	MOVQ b+16(FP), BX
	MOVQ s+24(FP), DI
	MOVQ q+32(FP), R8
	XORQ AX, AX
	TESTQ CX, CX
	JZ tail
loop:
	VCVTPS2PD (SI)(AX*4), Z0
	VCVTPS2PD (BX)(AX*4), Z1
	VMULPD Z0, Z1, Z1
	VADDPD (DI)(AX*8), Z0, Z0
	VADDPD (R8)(AX*8), Z1, Z1
	VMOVUPD Z0, (DI)(AX*8)
	VMOVUPD Z1, (R8)(AX*8)
	ADDQ $8, AX
	DECQ CX
	JNZ loop
tail:
	VMOVUPS.Z (SI)(AX*4), K1, Y0
	VMOVUPS.Z (BX)(AX*4), K1, Y1
	VCVTPS2PD Y0, Z0
	VCVTPS2PD Y1, Z1
	VMULPD Z0, Z1, Z1
	VMOVUPD.Z (DI)(AX*8), K1, Z2
	VMOVUPD.Z (R8)(AX*8), K1, Z3
	VADDPD Z2, Z0, Z0
	VADDPD Z3, Z1, Z1
	VMOVUPD Z0, K1, (DI)(AX*8)
	VMOVUPD Z1, K1, (R8)(AX*8)
	VZEROUPPER
	RET

// BNNORM: Z0 = (x - mean)·istd (x in Z0), Z1 = gamma·Z0 + beta, with the
// mean, istd, gamma and beta in Z2..Z5.
#define BNNORM \
	VSUBPS Z2, Z0, Z0 \
	VMULPS Z3, Z0, Z0 \
	VMULPS Z0, Z4, Z1 \
	VADDPS Z5, Z1, Z1

// func bnNormalizeAVX512(n int, x *float32, mean, istd, gamma, beta float32, xhat, y *float32)
TEXT ·bnNormalizeAVX512(SB), NOSPLIT, $0-48
	VECSETUP
	MOVQ x+8(FP), SI
	VBROADCASTSS mean+16(FP), Z2
	VBROADCASTSS istd+20(FP), Z3
	VBROADCASTSS gamma+24(FP), Z4
	VBROADCASTSS beta+28(FP), Z5
	MOVQ xhat+32(FP), DI
	MOVQ y+40(FP), BX
	TESTQ CX, CX
	JZ tail
loop:
	VMOVUPS (SI), Z0
	BNNORM
	VMOVUPS Z0, (DI)
	VMOVUPS Z1, (BX)
	ADDQ $64, SI
	ADDQ $64, DI
	ADDQ $64, BX
	DECQ CX
	JNZ loop
tail:
	VMOVUPS.Z (SI), K1, Z0
	BNNORM
	VMOVUPS Z0, K1, (DI)
	VMOVUPS Z1, K1, (BX)
	VZEROUPPER
	RET

// func bnNormalizeRowAVX512(n int, x, mean, istd, gamma, beta, xhat, y *float32)
// As bnNormalizeAVX512 with element j's own mean[j], istd[j], gamma[j], beta[j].
TEXT ·bnNormalizeRowAVX512(SB), NOSPLIT, $0-64
	VECSETUP
	MOVQ x+8(FP), SI
	MOVQ mean+16(FP), R8
	MOVQ istd+24(FP), R9
	MOVQ gamma+32(FP), R10
	MOVQ beta+40(FP), R11
	MOVQ xhat+48(FP), DI
	MOVQ y+56(FP), BX
	XORQ AX, AX
	TESTQ CX, CX
	JZ tail
loop:
	VMOVUPS (SI)(AX*1), Z0
	VMOVUPS (R8)(AX*1), Z2
	VMOVUPS (R9)(AX*1), Z3
	VMOVUPS (R10)(AX*1), Z4
	VMOVUPS (R11)(AX*1), Z5
	BNNORM
	VMOVUPS Z0, (DI)(AX*1)
	VMOVUPS Z1, (BX)(AX*1)
	ADDQ $64, AX
	DECQ CX
	JNZ loop
tail:
	VMOVUPS.Z (SI)(AX*1), K1, Z0
	VMOVUPS.Z (R8)(AX*1), K1, Z2
	VMOVUPS.Z (R9)(AX*1), K1, Z3
	VMOVUPS.Z (R10)(AX*1), K1, Z4
	VMOVUPS.Z (R11)(AX*1), K1, Z5
	BNNORM
	VMOVUPS Z0, K1, (DI)(AX*1)
	VMOVUPS Z1, K1, (BX)(AX*1)
	VZEROUPPER
	RET

// BNGRAD: Z0 = k·((gy - mg) - xhat·mgx), with gy in Z0, xhat in Z1 and
// k, mg, mgx in Z2..Z4.
#define BNGRAD \
	VSUBPS Z3, Z0, Z0 \
	VMULPS Z4, Z1, Z1 \
	VSUBPS Z1, Z0, Z0 \
	VMULPS Z2, Z0, Z0

// func bnInputGradAVX512(n int, gy, xhat *float32, k, mg, mgx float32, gx *float32)
TEXT ·bnInputGradAVX512(SB), NOSPLIT, $0-48
	VECSETUP
	MOVQ gy+8(FP), SI
	MOVQ xhat+16(FP), BX
	VBROADCASTSS k+24(FP), Z2
	VBROADCASTSS mg+28(FP), Z3
	VBROADCASTSS mgx+32(FP), Z4
	MOVQ gx+40(FP), DI
	TESTQ CX, CX
	JZ tail
loop:
	VMOVUPS (SI), Z0
	VMOVUPS (BX), Z1
	BNGRAD
	VMOVUPS Z0, (DI)
	ADDQ $64, SI
	ADDQ $64, BX
	ADDQ $64, DI
	DECQ CX
	JNZ loop
tail:
	VMOVUPS.Z (SI), K1, Z0
	VMOVUPS.Z (BX), K1, Z1
	BNGRAD
	VMOVUPS Z0, K1, (DI)
	VZEROUPPER
	RET

// func bnInputGradRowAVX512(n int, gy, xhat, k, mg, mgx, gx *float32)
// As bnInputGradAVX512 with element j's own k[j], mg[j], mgx[j].
TEXT ·bnInputGradRowAVX512(SB), NOSPLIT, $0-56
	VECSETUP
	MOVQ gy+8(FP), SI
	MOVQ xhat+16(FP), BX
	MOVQ k+24(FP), R8
	MOVQ mg+32(FP), R9
	MOVQ mgx+40(FP), R10
	MOVQ gx+48(FP), DI
	XORQ AX, AX
	TESTQ CX, CX
	JZ tail
loop:
	VMOVUPS (SI)(AX*1), Z0
	VMOVUPS (BX)(AX*1), Z1
	VMOVUPS (R8)(AX*1), Z2
	VMOVUPS (R9)(AX*1), Z3
	VMOVUPS (R10)(AX*1), Z4
	BNGRAD
	VMOVUPS Z0, (DI)(AX*1)
	ADDQ $64, AX
	DECQ CX
	JNZ loop
tail:
	VMOVUPS.Z (SI)(AX*1), K1, Z0
	VMOVUPS.Z (BX)(AX*1), K1, Z1
	VMOVUPS.Z (R8)(AX*1), K1, Z2
	VMOVUPS.Z (R9)(AX*1), K1, Z3
	VMOVUPS.Z (R10)(AX*1), K1, Z4
	BNGRAD
	VMOVUPS Z0, K1, (DI)(AX*1)
	VZEROUPPER
	RET
