// Macros shared by the AVX-512 kernels (#include "vec_amd64.h").

// TAILMASK: K1 = the mask of the DX%16 floats of a tail (uses AX, CX).
#define TAILMASK \
	MOVQ DX, CX \
	ANDQ $15, CX \
	MOVL $1, AX \
	SHLL CX, AX \
	DECL AX \
	KMOVW AX, K1

// VECSETUP: CX = n/16 full 16-float chunks and K1 = the mask of the n%16
// tail, for a function whose first argument is n int.
#define VECSETUP \
	MOVQ n+0(FP), DX \
	TAILMASK \
	MOVQ DX, CX \
	SHRQ $4, CX
