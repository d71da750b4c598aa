// Macros shared by the element-wise AVX-512 kernels (#include "vec_amd64.h").

// VECSETUP: CX = n/16 full 16-float chunks and K1 = the mask of the n%16
// tail, for a function whose first argument is n int.
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
