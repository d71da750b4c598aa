package rbm

import "github.com/deepnet-go/deepnet/train"

// HintonWeightCost is the weight cost of Hinton's recipe ("A practical
// guide to training restricted Boltzmann machines", 2010, and the code of
// Hinton and Salakhutdinov 2006): each step adds weightcost·W to the
// weights' gradient, biases spared.
const HintonWeightCost = 0.0002

// LambdaOf returns train's L2 regularisation λ that is the weight cost
// weightCost for training on examples vectors in mini-batches of batch.
// train adds λ/B·W to the weights' gradient (network3's convention, B =
// examples/batch the mini-batches of an epoch), Hinton adds
// weightcost·W; so λ = weightcost·B. Both then take the step
//
//	Δ ← μ·Δ + η·((⟨v hᵀ⟩_data − ⟨v hᵀ⟩_model)/n − weightcost·W),  W ← W + Δ
//
// which is train's SGD with momentum μ on the gradient CD writes,
// −(⟨v hᵀ⟩_data − ⟨v hᵀ⟩_model)/n.
func LambdaOf(weightCost float64, examples, batch int) float64 {
	return weightCost * float64(examples/batch)
}

// Recipe returns Hinton's settings for training an RBM by CD-1 on
// examples vectors: 50 epochs (the code of Hinton and Salakhutdinov 2006)
// of mini-batches of 100, learning rate 0.1 for weights and biases alike,
// weight cost 0.0002 (LambdaOf), momentum 0.5 for the first 5 epochs
// and 0.9 after them, the weights 0.01·N(0, 1) and the biases zero (New),
// the vectors read as probabilities. Seed, Checkpoint and the rest are
// the caller's.
func Recipe(examples int) (train.Config, CDConfig) {
	const batch = 100
	return train.Config{
		Epochs: 50, Batch: batch, Eta: 0.1,
		Lambda:           LambdaOf(HintonWeightCost, examples, batch),
		MomentumSchedule: train.MomentumSwitch{Initial: 0.5, Epochs: 5, Final: 0.9},
	}, CDConfig{K: 1}
}
