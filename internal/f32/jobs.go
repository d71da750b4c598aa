package f32

// kernelJobs holds one job of each parallel kernel, inside the pool, so
// that starting a job copies it rather than allocating it.
type kernelJobs struct {
	im2col   im2colTask
	col2im   col2imTask
	pool     poolTask
	elem     elemTask
	sgd      sgdTask
	adaptive adaptiveTask
	// prepack packs A for p.gemm (see workerPool.prepack).
	prepack prepackTask
}
