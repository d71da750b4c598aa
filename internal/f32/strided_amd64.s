//go:build amd64 && !purego

#include "textflag.h"
#include "vec_amd64.h"

// ROWSETUP loads the arguments of copyBlocksAVX512/addRowsAVX512: DI dst, R8
// dst stride (bytes), SI src, R9 src stride, CX rows, DX full 16-float
// chunks per row, K1 the mask of the cols%16 tail.
#define ROWSETUP \
	MOVQ dst+0(FP), DI \
	MOVQ lddst+8(FP), R8 \
	SHLQ $2, R8 \
	MOVQ src+16(FP), SI \
	MOVQ ldsrc+24(FP), R9 \
	SHLQ $2, R9 \
	MOVQ cols+40(FP), DX \
	TAILMASK \
	SHRQ $4, DX \
	MOVQ rows+32(FP), CX

// func copyBlocksAVX512(dst *float32, lddst int, src *float32, ldsrc int, rows, cols, n, dstep, sstep int)
// n blocks of rows×cols, block b at dst + b·dstep and src + b·sstep. After
// a block's rows, DI and SI move on by dstep - rows·lddst (R12) and
// sstep - rows·ldsrc (R13) floats; AX counts the blocks.
TEXT ·copyBlocksAVX512(SB), NOSPLIT, $0-72
	ROWSETUP
	MOVQ dstep+56(FP), R12
	SHLQ $2, R12
	MOVQ R8, AX
	IMULQ CX, AX
	SUBQ AX, R12
	MOVQ sstep+64(FP), R13
	SHLQ $2, R13
	MOVQ R9, AX
	IMULQ CX, AX
	SUBQ AX, R13
	MOVQ n+48(FP), AX
	TESTQ CX, CX
	JZ done
	TESTQ AX, AX
	JZ done
block:
	MOVQ rows+32(FP), CX
row:
	MOVQ SI, R10
	MOVQ DI, R11
	MOVQ DX, BX
	TESTQ BX, BX
	JZ tail
chunk:
	VMOVUPS (R10), Z0
	VMOVUPS Z0, (R11)
	ADDQ $64, R10
	ADDQ $64, R11
	DECQ BX
	JNZ chunk
tail:
	VMOVUPS.Z (R10), K1, Z0
	VMOVUPS Z0, K1, (R11)
	ADDQ R9, SI
	ADDQ R8, DI
	DECQ CX
	JNZ row
	ADDQ R13, SI
	ADDQ R12, DI
	DECQ AX
	JNZ block
done:
	VZEROUPPER
	RET

// func addRowsAVX512(dst *float32, lddst int, src *float32, ldsrc int, rows, cols int)
TEXT ·addRowsAVX512(SB), NOSPLIT, $0-48
	ROWSETUP
	TESTQ CX, CX
	JZ done
row:
	MOVQ SI, R10
	MOVQ DI, R11
	MOVQ DX, BX
	TESTQ BX, BX
	JZ tail
chunk:
	VMOVUPS (R11), Z0
	VADDPS (R10), Z0, Z0
	VMOVUPS Z0, (R11)
	ADDQ $64, R10
	ADDQ $64, R11
	DECQ BX
	JNZ chunk
tail:
	VMOVUPS.Z (R11), K1, Z0
	VMOVUPS.Z (R10), K1, Z1
	VADDPS Z1, Z0, Z0
	VMOVUPS Z0, K1, (R11)
	ADDQ R9, SI
	ADDQ R8, DI
	DECQ CX
	JNZ row
done:
	VZEROUPPER
	RET
