//go:build amd64 && !purego

#include "textflag.h"

// func col2imPlaneAVX512(col *float32, cs int, dst *float32, h, w, kh, kw int)
// One plane of Col2im, stride 1, w ≤ 16: each output row is summed in a
// register, term (l, m) by term in the order of Col2imRef, then stored.
TEXT ·col2imPlaneAVX512(SB), NOSPLIT, $0-56
	MOVQ col+0(FP), SI
	MOVQ cs+8(FP), R8
	MOVQ R8, R14
	SHLQ $2, R8
	SUBQ $4, R8               // R8: step to term m+1, shifted one lane back
	MOVQ dst+16(FP), DI
	MOVQ kw+48(FP), R10
	IMULQ R10, R14
	SHLQ $2, R14              // R14: bytes from term (l, 0) to (l+1, 0)
	MOVQ kh+40(FP), R11
	MOVQ h+24(FP), R12
	SUBQ R11, R12
	INCQ R12                  // R12: oh
	MOVQ w+32(FP), R13
	SUBQ R10, R13
	INCQ R13                  // ow
	MOVQ R13, CX
	MOVL $1, R15
	SHLL CX, R15
	DECL R15                  // R15: mask of ow lanes
	SHLQ $2, R13              // R13: ow·4
	MOVQ w+32(FP), CX
	MOVL $1, AX
	SHLL CX, AX
	DECL AX
	KMOVW AX, K7              // K7: mask of w lanes
	XORQ DX, DX               // y
yloop:
	VPXORD Z0, Z0, Z0
	MOVQ DX, BX
	SUBQ R12, BX
	INCQ BX                   // l = max(0, y-oh+1)
	TESTQ BX, BX
	JGE lloop
	XORQ BX, BX
lloop:
	CMPQ BX, R11
	JGE ldone
	CMPQ BX, DX
	JG ldone
	MOVQ BX, AX
	IMULQ R14, AX
	ADDQ SI, AX
	MOVQ DX, CX
	SUBQ BX, CX
	IMULQ R13, CX
	ADDQ CX, AX               // AX: term (l, 0), row y-l
	XORQ CX, CX               // m
mloop:
	MOVQ R15, R9
	SHLQ CX, R9
	KMOVW R9, K1
	VMOVUPS.Z (AX), K1, Z1
	VADDPS Z1, Z0, Z0
	ADDQ R8, AX
	INCQ CX
	CMPQ CX, R10
	JL mloop
	INCQ BX
	JMP lloop
ldone:
	VMOVUPS Z0, K7, (DI)
	MOVQ w+32(FP), AX
	LEAQ (DI)(AX*4), DI
	INCQ DX
	CMPQ DX, h+24(FP)
	JL yloop
	VZEROUPPER
	RET

DATA evenIdx<>+0(SB)/8, $0x0000000200000000
DATA evenIdx<>+8(SB)/8, $0x0000000600000004
DATA evenIdx<>+16(SB)/8, $0x0000000a00000008
DATA evenIdx<>+24(SB)/8, $0x0000000e0000000c
DATA evenIdx<>+32(SB)/8, $0x0000001200000010
DATA evenIdx<>+40(SB)/8, $0x0000001600000014
DATA evenIdx<>+48(SB)/8, $0x0000001a00000018
DATA evenIdx<>+56(SB)/8, $0x0000001e0000001c
GLOBL evenIdx<>(SB), RODATA|NOPTR, $64

// func maxPool2x2AVX512(src *float32, dst *float32, arg *int32, planes, h, w int)
// MaxPool with 2×2 blocks, w/2 ≤ 16: candidates in the order of MaxPoolRef,
// replaced only when strictly greater (so NaN and ties behave the same).
TEXT ·maxPool2x2AVX512(SB), NOSPLIT, $0-48
	MOVQ src+0(FP), SI
	MOVQ dst+8(FP), DI
	MOVQ arg+16(FP), R8
	MOVQ w+40(FP), R11
	MOVQ R11, R12
	SHLQ $2, R12              // R12: row bytes
	VMOVDQU32 evenIdx<>(SB), Z31
	MOVL $1, AX
	VPBROADCASTD AX, Z30
	VPADDD Z30, Z31, Z30      // Z30: odd indices 1, 3, …, 31
	VPBROADCASTD R11, Z28     // Z28: w
	MOVQ R11, R13
	SHRQ $1, R13              // R13: ow
	MOVQ R13, CX
	MOVL $1, AX
	SHLL CX, AX
	DECL AX
	KMOVW AX, K3              // K3: ow outputs
	MOVQ R11, CX
	ANDQ $-2, CX              // 2·ow inputs per row
	MOVQ CX, DX
	CMPQ CX, $16
	JLE small
	MOVQ $16, CX
small:
	MOVL $1, AX
	SHLL CX, AX
	DECL AX
	KMOVW AX, K1              // K1: inputs 0–15
	SUBQ CX, DX
	MOVQ DX, CX
	MOVL $1, AX
	SHLL CX, AX
	DECL AX
	KMOVW AX, K2              // K2: inputs 16–31
	MOVQ planes+24(FP), R9
	TESTQ R9, R9
	JZ done
plane:
	MOVQ SI, R14              // plane start
	MOVQ h+32(FP), R10
	SHRQ $1, R10              // oh
	XORQ BX, BX               // 2·i·w
	TESTQ R10, R10
	JZ nextplane
row:
	VMOVUPS.Z (SI), K1, Z0
	VMOVUPS.Z 64(SI), K2, Z1
	VMOVUPS.Z (SI)(R12*1), K1, Z2
	VMOVUPS.Z 64(SI)(R12*1), K2, Z3
	VMOVDQA32 Z31, Z4
	VPERMI2PS Z1, Z0, Z4      // a: row 2i, even columns
	VMOVDQA32 Z30, Z5
	VPERMI2PS Z1, Z0, Z5      // b: row 2i, odd
	VMOVDQA32 Z31, Z6
	VPERMI2PS Z3, Z2, Z6      // c: row 2i+1, even
	VMOVDQA32 Z30, Z7
	VPERMI2PS Z3, Z2, Z7      // d: row 2i+1, odd
	VPBROADCASTD BX, Z8
	VPADDD Z31, Z8, Z9        // index of a (best so far)
	VPADDD Z30, Z8, Z10       // index of b
	VPADDD Z28, Z9, Z11       // index of c
	VPADDD Z28, Z10, Z12      // index of d
	VCMPPS $0x1e, Z4, Z5, K4
	VMOVAPS Z5, K4, Z4
	VMOVDQA32 Z10, K4, Z9
	VCMPPS $0x1e, Z4, Z6, K4
	VMOVAPS Z6, K4, Z4
	VMOVDQA32 Z11, K4, Z9
	VCMPPS $0x1e, Z4, Z7, K4
	VMOVAPS Z7, K4, Z4
	VMOVDQA32 Z12, K4, Z9
	VMOVUPS Z4, K3, (DI)
	VMOVDQU32 Z9, K3, (R8)
	LEAQ (SI)(R12*2), SI
	LEAQ (DI)(R13*4), DI
	LEAQ (R8)(R13*4), R8
	LEAQ (BX)(R11*2), BX
	DECQ R10
	JNZ row
nextplane:
	MOVQ h+32(FP), AX
	IMULQ R12, AX
	LEAQ (R14)(AX*1), SI
	DECQ R9
	JNZ plane
done:
	VZEROUPPER
	RET
