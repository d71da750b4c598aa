//go:build amd64 && !purego

#include "textflag.h"

// The float32 sigmoid and tanh of activation.go. Each kernel performs the
// operations of sigmoid1 or tanh1, in the same order, with no FMA and a
// true division, so it matches the Go twin bit for bit. Two vectors are
// computed at a time, their instructions interleaved (the dependency chain
// of one is long); the last n mod 32 (AVX-512) or n mod 16 (AVX2) floats
// go through the same code with masked loads and stores.
//
// R8 points to actConsts (activation_amd64.go): row i, the constant
// repeated 8 times, is at 32·i(R8).
#define cSign 0
#define cAbs 32
#define cOne 64
#define cTwo 96
#define cLog2e 128
#define cMagic 160
#define cLn2Hi 192
#define cLn2Lo 224
#define cP0 256
#define cP1 288
#define cP2 320
#define cP3 352
#define cP4 384
#define cP5 416
#define cSigLo 448
#define cTanhHi 480
#define cSmall 512
#define cSmall2 544
#define cQ0 576
#define cQ1 608
#define cQ2 640
#define cQ3 672
#define cQ4 704
#define cLanes 736

// ---- AVX-512 ----
//
// Constants: Z14 0.625, Z16 sign bit, Z17 −88, Z18 log2e, Z19 1.5·2^23,
// Z20 ln2Hi, Z21 ln2Lo, Z22–Z27 P0–P5, Z28 1.0, Z29 abs mask, Z30 2.0,
// Z31 10; Q0–Q4 are broadcast from memory. The two vectors use Z0–Z6 and
// Z7–Z13, K2 and K3.
#define CONSTS512 \
	LEAQ ·actConsts(SB), R8 \
	VBROADCASTSS cSmall(R8), Z14 \
	VBROADCASTSS cSign(R8), Z16 \
	VBROADCASTSS cSigLo(R8), Z17 \
	VBROADCASTSS cLog2e(R8), Z18 \
	VBROADCASTSS cMagic(R8), Z19 \
	VBROADCASTSS cLn2Hi(R8), Z20 \
	VBROADCASTSS cLn2Lo(R8), Z21 \
	VBROADCASTSS cP0(R8), Z22 \
	VBROADCASTSS cP1(R8), Z23 \
	VBROADCASTSS cP2(R8), Z24 \
	VBROADCASTSS cP3(R8), Z25 \
	VBROADCASTSS cP4(R8), Z26 \
	VBROADCASTSS cP5(R8), Z27 \
	VBROADCASTSS cOne(R8), Z28 \
	VBROADCASTSS cAbs(R8), Z29 \
	VBROADCASTSS cTwo(R8), Z30 \
	VBROADCASTSS cTanhHi(R8), Z31

// TAIL512: DX = n mod 32; K1 and K4 = the masks of the first and the
// second 16 of those floats (uses AX, CX); ZF set when DX = 0.
#define TAIL512 \
	ANDQ $31, DX \
	MOVQ DX, CX \
	MOVL $1, AX \
	SHLQ CX, AX \
	DECQ AX \
	KMOVW AX, K1 \
	SHRQ $16, AX \
	KMOVW AX, K4 \
	TESTQ DX, DX

// EXP512(t, k, r, z, p, T, K, R, Z, P): p = exp32(t) and P = exp32(T);
// t and T are kept, the others are scratch:
// k = t·log2e + magic, n = k − magic, r = (t − n·ln2Hi) − n·ln2Lo,
// p = (((((P0·r + P1)·r + P2)·r + P3)·r + P4)·r + P5)·r² + r + 1,
// p·2^n with 2^n = (bits(k) << 23) + bits(1.0).
#define EXP512(t, k, r, z, p, T, K, R, Z, P) \
	VMULPS Z18, t, k; VMULPS Z18, T, K \
	VADDPS Z19, k, k; VADDPS Z19, K, K \
	VSUBPS Z19, k, r; VSUBPS Z19, K, R \
	VMULPS Z20, r, z; VMULPS Z20, R, Z \
	VMULPS Z21, r, p; VMULPS Z21, R, P \
	VSUBPS z, t, r; VSUBPS Z, T, R \
	VSUBPS p, r, r; VSUBPS P, R, R \
	VMULPS r, r, z; VMULPS R, R, Z \
	VMULPS Z22, r, p; VMULPS Z22, R, P \
	VADDPS Z23, p, p; VADDPS Z23, P, P \
	VMULPS r, p, p; VMULPS R, P, P \
	VADDPS Z24, p, p; VADDPS Z24, P, P \
	VMULPS r, p, p; VMULPS R, P, P \
	VADDPS Z25, p, p; VADDPS Z25, P, P \
	VMULPS r, p, p; VMULPS R, P, P \
	VADDPS Z26, p, p; VADDPS Z26, P, P \
	VMULPS r, p, p; VMULPS R, P, P \
	VADDPS Z27, p, p; VADDPS Z27, P, P \
	VMULPS z, p, p; VMULPS Z, P, P \
	VADDPS r, p, p; VADDPS R, P, P \
	VADDPS Z28, p, p; VADDPS Z28, P, P \
	VPSLLD $23, k, k; VPSLLD $23, K, K \
	VPADDD Z28, k, k; VPADDD Z28, K, K \
	VMULPS k, p, p; VMULPS K, P, P

// SIGMOID512: Z1 = sigmoid(Z0), Z8 = sigmoid(Z7).
// t = max(−88, x | sign bit) (VMAXPS returns its second source, x, when x
// is NaN), e = exp32(t), num = e where x's sign bit is set, else 1;
// num/(e + 1).
#define SIGMOID512 \
	VORPS Z16, Z0, Z1; VORPS Z16, Z7, Z8 \
	VMAXPS Z1, Z17, Z1; VMAXPS Z8, Z17, Z8 \
	EXP512(Z1, Z2, Z3, Z4, Z5, Z8, Z9, Z10, Z11, Z12) \
	VADDPS Z28, Z5, Z2; VADDPS Z28, Z12, Z9 \
	VPMOVD2M Z0, K2; VPMOVD2M Z7, K3 \
	VBLENDMPS Z5, Z28, K2, Z1; VBLENDMPS Z12, Z28, K3, Z8 \
	VDIVPS Z2, Z1, Z1; VDIVPS Z9, Z8, Z8

// TANH512: Z6 = tanh(Z0), Z13 = tanh(Z7).
// a = min(10, |x|) (a NaN is kept); K2 = a < 0.625; z = a·a,
// small = ((((((Q0·z + Q1)·z + Q2)·z + Q3)·z + Q4)·z)·a) + a;
// large = 1 − 2/(exp32(a + a) + 1); small where K2, else large; then the
// sign bit of x.
#define TANH512 \
	VANDPS Z29, Z0, Z1; VANDPS Z29, Z7, Z8 \
	VMINPS Z1, Z31, Z1; VMINPS Z8, Z31, Z8 \
	VCMPPS $1, Z14, Z1, K2; VCMPPS $1, Z14, Z8, K3 \
	VMULPS Z1, Z1, Z5; VMULPS Z8, Z8, Z12 \
	VMULPS.BCST cQ0(R8), Z5, Z6; VMULPS.BCST cQ0(R8), Z12, Z13 \
	VADDPS.BCST cQ1(R8), Z6, Z6; VADDPS.BCST cQ1(R8), Z13, Z13 \
	VMULPS Z5, Z6, Z6; VMULPS Z12, Z13, Z13 \
	VADDPS.BCST cQ2(R8), Z6, Z6; VADDPS.BCST cQ2(R8), Z13, Z13 \
	VMULPS Z5, Z6, Z6; VMULPS Z12, Z13, Z13 \
	VADDPS.BCST cQ3(R8), Z6, Z6; VADDPS.BCST cQ3(R8), Z13, Z13 \
	VMULPS Z5, Z6, Z6; VMULPS Z12, Z13, Z13 \
	VADDPS.BCST cQ4(R8), Z6, Z6; VADDPS.BCST cQ4(R8), Z13, Z13 \
	VMULPS Z5, Z6, Z6; VMULPS Z12, Z13, Z13 \
	VMULPS Z1, Z6, Z6; VMULPS Z8, Z13, Z13 \
	VADDPS Z1, Z6, Z6; VADDPS Z8, Z13, Z13 \
	VADDPS Z1, Z1, Z1; VADDPS Z8, Z8, Z8 \
	EXP512(Z1, Z2, Z3, Z4, Z5, Z8, Z9, Z10, Z11, Z12) \
	VADDPS Z28, Z5, Z5; VADDPS Z28, Z12, Z12 \
	VDIVPS Z5, Z30, Z5; VDIVPS Z12, Z30, Z12 \
	VSUBPS Z5, Z28, Z5; VSUBPS Z12, Z28, Z12 \
	VBLENDMPS Z6, Z5, K2, Z6; VBLENDMPS Z13, Z12, K3, Z13 \
	VANDPS Z16, Z0, Z2; VANDPS Z16, Z7, Z9 \
	VORPS Z2, Z6, Z6; VORPS Z9, Z13, Z13

// func sigmoidAVX512(n int, x, y *float32)
TEXT ·sigmoidAVX512(SB), NOSPLIT, $0-24
	MOVQ n+0(FP), DX
	MOVQ x+8(FP), SI
	MOVQ y+16(FP), DI
	CONSTS512
	MOVQ DX, BX
	SHRQ $5, BX
	JZ tail
loop:
	VMOVUPS (SI), Z0
	VMOVUPS 64(SI), Z7
	SIGMOID512
	VMOVUPS Z1, (DI)
	VMOVUPS Z8, 64(DI)
	ADDQ $128, SI
	ADDQ $128, DI
	DECQ BX
	JNZ loop
tail:
	TAIL512
	JZ done
	VMOVUPS.Z (SI), K1, Z0
	VMOVUPS.Z 64(SI), K4, Z7
	SIGMOID512
	VMOVUPS Z1, K1, (DI)
	VMOVUPS Z8, K4, 64(DI)
done:
	VZEROUPPER
	RET

// func tanhAVX512(n int, x, y *float32)
TEXT ·tanhAVX512(SB), NOSPLIT, $0-24
	MOVQ n+0(FP), DX
	MOVQ x+8(FP), SI
	MOVQ y+16(FP), DI
	CONSTS512
	MOVQ DX, BX
	SHRQ $5, BX
	JZ tail
loop:
	VMOVUPS (SI), Z0
	VMOVUPS 64(SI), Z7
	TANH512
	VMOVUPS Z6, (DI)
	VMOVUPS Z13, 64(DI)
	ADDQ $128, SI
	ADDQ $128, DI
	DECQ BX
	JNZ loop
tail:
	TAIL512
	JZ done
	VMOVUPS.Z (SI), K1, Z0
	VMOVUPS.Z 64(SI), K4, Z7
	TANH512
	VMOVUPS Z6, K1, (DI)
	VMOVUPS Z13, K4, 64(DI)
done:
	VZEROUPPER
	RET

// ---- AVX2 ----
//
// The two vectors use Y0–Y5 and Y6–Y11 (sigmoid) or Y0–Y6 and Y7–Y13
// (tanh); the constants are memory operands, except −88 (Y12) and 1.0
// (Y13) in sigmoid. Y14 and Y15 hold the masks of the tail.

// EXP256(t, k, r, z, p, T, K, R, Z, P): as EXP512.
#define EXP256(t, k, r, z, p, T, K, R, Z, P) \
	VMULPS cLog2e(R8), t, k; VMULPS cLog2e(R8), T, K \
	VADDPS cMagic(R8), k, k; VADDPS cMagic(R8), K, K \
	VSUBPS cMagic(R8), k, r; VSUBPS cMagic(R8), K, R \
	VMULPS cLn2Hi(R8), r, z; VMULPS cLn2Hi(R8), R, Z \
	VMULPS cLn2Lo(R8), r, p; VMULPS cLn2Lo(R8), R, P \
	VSUBPS z, t, r; VSUBPS Z, T, R \
	VSUBPS p, r, r; VSUBPS P, R, R \
	VMULPS r, r, z; VMULPS R, R, Z \
	VMULPS cP0(R8), r, p; VMULPS cP0(R8), R, P \
	VADDPS cP1(R8), p, p; VADDPS cP1(R8), P, P \
	VMULPS r, p, p; VMULPS R, P, P \
	VADDPS cP2(R8), p, p; VADDPS cP2(R8), P, P \
	VMULPS r, p, p; VMULPS R, P, P \
	VADDPS cP3(R8), p, p; VADDPS cP3(R8), P, P \
	VMULPS r, p, p; VMULPS R, P, P \
	VADDPS cP4(R8), p, p; VADDPS cP4(R8), P, P \
	VMULPS r, p, p; VMULPS R, P, P \
	VADDPS cP5(R8), p, p; VADDPS cP5(R8), P, P \
	VMULPS z, p, p; VMULPS Z, P, P \
	VADDPS r, p, p; VADDPS R, P, P \
	VADDPS cOne(R8), p, p; VADDPS cOne(R8), P, P \
	VPSLLD $23, k, k; VPSLLD $23, K, K \
	VPADDD cOne(R8), k, k; VPADDD cOne(R8), K, K \
	VMULPS k, p, p; VMULPS K, P, P

// SIGMOID256: Y1 = sigmoid(Y0), Y7 = sigmoid(Y6), as SIGMOID512
// (VBLENDVPS picks e by the sign bit of x).
#define SIGMOID256 \
	VORPS cSign(R8), Y0, Y1; VORPS cSign(R8), Y6, Y7 \
	VMAXPS Y1, Y12, Y1; VMAXPS Y7, Y12, Y7 \
	EXP256(Y1, Y2, Y3, Y4, Y5, Y7, Y8, Y9, Y10, Y11) \
	VADDPS Y13, Y5, Y2; VADDPS Y13, Y11, Y8 \
	VBLENDVPS Y0, Y5, Y13, Y1; VBLENDVPS Y6, Y11, Y13, Y7 \
	VDIVPS Y2, Y1, Y1; VDIVPS Y8, Y7, Y7

// TANH256: Y6 = tanh(Y0), Y13 = tanh(Y7), as TANH512, except that the
// choice is 2a < 1.25 (the same as a < 0.625: doubling is exact), made
// after a is doubled in place.
#define TANH256 \
	VANDPS cAbs(R8), Y0, Y1; VANDPS cAbs(R8), Y7, Y8 \
	VMOVUPS cTanhHi(R8), Y2; VMOVUPS cTanhHi(R8), Y9 \
	VMINPS Y1, Y2, Y1; VMINPS Y8, Y9, Y8 \
	VMULPS Y1, Y1, Y5; VMULPS Y8, Y8, Y12 \
	VMULPS cQ0(R8), Y5, Y6; VMULPS cQ0(R8), Y12, Y13 \
	VADDPS cQ1(R8), Y6, Y6; VADDPS cQ1(R8), Y13, Y13 \
	VMULPS Y5, Y6, Y6; VMULPS Y12, Y13, Y13 \
	VADDPS cQ2(R8), Y6, Y6; VADDPS cQ2(R8), Y13, Y13 \
	VMULPS Y5, Y6, Y6; VMULPS Y12, Y13, Y13 \
	VADDPS cQ3(R8), Y6, Y6; VADDPS cQ3(R8), Y13, Y13 \
	VMULPS Y5, Y6, Y6; VMULPS Y12, Y13, Y13 \
	VADDPS cQ4(R8), Y6, Y6; VADDPS cQ4(R8), Y13, Y13 \
	VMULPS Y5, Y6, Y6; VMULPS Y12, Y13, Y13 \
	VMULPS Y1, Y6, Y6; VMULPS Y8, Y13, Y13 \
	VADDPS Y1, Y6, Y6; VADDPS Y8, Y13, Y13 \
	VADDPS Y1, Y1, Y1; VADDPS Y8, Y8, Y8 \
	EXP256(Y1, Y2, Y3, Y4, Y5, Y8, Y9, Y10, Y11, Y12) \
	VADDPS cOne(R8), Y5, Y5; VADDPS cOne(R8), Y12, Y12 \
	VMOVUPS cTwo(R8), Y2; VMOVUPS cTwo(R8), Y9 \
	VDIVPS Y5, Y2, Y5; VDIVPS Y12, Y9, Y12 \
	VMOVUPS cOne(R8), Y2; VMOVUPS cOne(R8), Y9 \
	VSUBPS Y5, Y2, Y5; VSUBPS Y12, Y9, Y12 \
	VCMPPS $1, cSmall2(R8), Y1, Y3; VCMPPS $1, cSmall2(R8), Y8, Y10 \
	VBLENDVPS Y3, Y6, Y5, Y6; VBLENDVPS Y10, Y13, Y12, Y13 \
	VANDPS cSign(R8), Y0, Y2; VANDPS cSign(R8), Y7, Y9 \
	VORPS Y2, Y6, Y6; VORPS Y9, Y13, Y13

// TAIL256: DX = n mod 16; Y14 and Y15 = the masks of the first and the
// second 8 of those floats (lane i set where i < DX, i+8 < DX); ZF set
// when DX = 0.
#define TAIL256 \
	ANDQ $15, DX \
	VMOVD DX, X14 \
	VPBROADCASTD X14, Y14 \
	VPCMPGTD cLanes+32(R8), Y14, Y15 \
	VPCMPGTD cLanes(R8), Y14, Y14 \
	TESTQ DX, DX

// func sigmoidAVX2(n int, x, y *float32)
TEXT ·sigmoidAVX2(SB), NOSPLIT, $0-24
	MOVQ n+0(FP), DX
	MOVQ x+8(FP), SI
	MOVQ y+16(FP), DI
	LEAQ ·actConsts(SB), R8
	VMOVUPS cSigLo(R8), Y12
	VMOVUPS cOne(R8), Y13
	MOVQ DX, BX
	SHRQ $4, BX
	JZ tail
loop:
	VMOVUPS (SI), Y0
	VMOVUPS 32(SI), Y6
	SIGMOID256
	VMOVUPS Y1, (DI)
	VMOVUPS Y7, 32(DI)
	ADDQ $64, SI
	ADDQ $64, DI
	DECQ BX
	JNZ loop
tail:
	TAIL256
	JZ done
	VMASKMOVPS (SI), Y14, Y0
	VMASKMOVPS 32(SI), Y15, Y6
	SIGMOID256
	VMASKMOVPS Y1, Y14, (DI)
	VMASKMOVPS Y7, Y15, 32(DI)
done:
	VZEROUPPER
	RET

// func tanhAVX2(n int, x, y *float32)
TEXT ·tanhAVX2(SB), NOSPLIT, $0-24
	MOVQ n+0(FP), DX
	MOVQ x+8(FP), SI
	MOVQ y+16(FP), DI
	LEAQ ·actConsts(SB), R8
	MOVQ DX, BX
	SHRQ $4, BX
	JZ tail
loop:
	VMOVUPS (SI), Y0
	VMOVUPS 32(SI), Y7
	TANH256
	VMOVUPS Y6, (DI)
	VMOVUPS Y13, 32(DI)
	ADDQ $64, SI
	ADDQ $64, DI
	DECQ BX
	JNZ loop
tail:
	TAIL256
	JZ done
	VMASKMOVPS (SI), Y14, Y0
	VMASKMOVPS 32(SI), Y15, Y7
	TANH256
	VMASKMOVPS Y6, Y14, (DI)
	VMASKMOVPS Y13, Y15, 32(DI)
done:
	VZEROUPPER
	RET
