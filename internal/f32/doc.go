// Package f32 holds the float32 kernels deepnet's layers run on: matrix
// multiplication (Gemm), im2col/col2im, pooling and element-wise operations,
// all on raw slices with explicit sizes and leading dimensions.
//
// Every kernel has a naive twin (the functions ending in Ref) that is always
// compiled and that the tests compare the fast versions against.
//
// Layout conventions: matrices are row-major with a leading dimension (the
// distance between rows). Images are planes: the convolutional layers keep
// activations as [C][N][H][W] (channel-major over the whole mini-batch), so
// that one convolution of a mini-batch is one matrix product
// W[F, C·kh·kw] · col[C·kh·kw, N·OH·OW] with a wide, cache-friendly output.
//
// Invariants: kernels never allocate; results do not depend on the number of
// workers (each output element is computed by exactly one worker, in a fixed
// order), so training is bit-identical on one core or many.
package f32
