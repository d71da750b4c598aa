package train

import (
	"math"

	"github.com/deepnet-go/deepnet/internal/f32"
	"github.com/deepnet-go/deepnet/nn"
)

// ClipGradNorm scales the gradients of params by min(1, maxNorm/(norm +
// 1e-6)), where norm is the L2 norm of all of them together (buffers, with
// no gradient, left out), as PyTorch's torch.nn.utils.clip_grad_norm_
// does, and returns the norm. The squares are summed in float64 in a fixed
// order, each tensor's as f32.SumSquares adds them and then the tensors in
// the order of params, so the norm does not depend on the number of
// workers; the factor is rounded to float32 once and multiplies every
// gradient. A factor of 1 or more changes nothing. It does not allocate.
func ClipGradNorm(params []*nn.Param, maxNorm float64) float64 {
	var sum float64
	for _, p := range params {
		if p.Grad != nil {
			sum += f32.SumSquares(p.Grad.Data)
		}
	}
	norm := math.Sqrt(sum)
	if c := maxNorm / (norm + 1e-6); c < 1 {
		for _, p := range params {
			if p.Grad != nil {
				f32.Scale(float32(c), p.Grad.Data)
			}
		}
	}
	return norm
}
