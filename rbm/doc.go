// Package rbm holds restricted Boltzmann machines and deep belief nets:
// models of the probability of binary vectors (MNIST's digits), trained
// by contrastive divergence, measured in nats by annealed importance
// sampling, stacked greedily into a deep belief net that writes digits
// and initialises a feed-forward network.
//
// # RBMs
//
// An RBM (New) has binary hidden units and binary visible units, or
// Gaussian ones of unit variance (Config.Gaussian), the last Labels of
// them one softmax unit (the label units of a deep belief net's top RBM).
// Its parameters are nn.Params named as PyTorch-like code names them, W
// [Hidden][Visible], vbias and hbias, so that train's optimisers,
// checkpoints and weight averaging handle them as a network's; only W
// decays. A batch of vectors is row-major, [n][Visible]; the conditional
// means are matrix products through internal/f32 (h given v: Gemm of v
// and Wᵀ, the bias, Sigmoid; v given h: Gemm of h and W), and sampling
// draws from a Sampler.
//
// # Sampling and determinism
//
// A Sampler gives every row of every draw a generator of its own, seeded
// from the Sampler's seed, its position (At: for training the epoch and
// the mini-batch within it) and the row (or the example's index, for
// binarisation), so that what is drawn depends on neither the number of
// workers nor the split of rows among them, and a resumed run draws what
// an uninterrupted one draws with no generator state to save. With the
// products (internal/f32's Gemm is bit-identical on any number of
// workers) the same seed trains the same bits on one core or many.
//
// # Training: CD and PCD
//
// CD (NewCD) is a train.Objective, so train.Fit runs it: the order of
// the examples, the optimiser (SGD with momentum: Hinton's recipe), the
// momentum schedule, records, checkpoints and resumption are train's. A
// step on n vectors v0 (read as probabilities, or binarised: Binarization)
// computes the hidden probabilities p0 = p(h | v0) and draws h from them,
// then the negative phase:
//
//   - CD-k: k sweeps of Gibbs sampling from h, the visible units drawn in
//     all but the last, whose visible probabilities are the negative
//     vectors (Hinton's practice: no sampling noise where none is
//     needed);
//   - PCD-k (Tieleman 2008): k sweeps of Gibbs sampling, every unit
//     drawn, from the persistent chains' visible states, one chain per
//     vector of the mini-batch, which carry over to the next mini-batch
//     (the chains start at the first training vectors, binarised).
//
// With pn the hidden probabilities of the negative vectors vn, the step
// writes the gradient of mean F(v0) − mean F(vn) (F the free energy),
//
//	∂W = −(p0ᵀ·v0 − pnᵀ·vn)/n,  ∂vbias = −Σ(v0 − vn)/n,  ∂hbias = −Σ(p0 − pn)/n,
//
// which train's SGD descends. Its cost is the squared reconstruction error
// of v0 given h, as Hinton's code prints it. Weight decay is train's λ:
// LambdaOf maps Hinton's weight cost onto it exactly, and Recipe is
// Hinton's settings. The persistent chains, and the CD settings, go into
// checkpoints through CD's Encode and come back through its Restore (a
// train.Restorer), so a resumed run trains the bits an uninterrupted one
// does. Measure scores the held-out vectors by their pseudo-likelihood
// (Metric), cheap enough for every epoch.
//
// # Invariants
//
//   - A training step does not allocate.
//   - The same seed gives the same weights, chains and scores, on any
//     number of workers, and a resumed run the same as an uninterrupted
//     one.
//   - Loading never panics on a bad file; a model file of another kind
//     (a network where an RBM is expected, or the other way round) is
//     refused with a *model.KindError.
//   - rbm imports nn, train, model, data and internal/f32, and nothing
//     of deepnet's imports it but cmd/deepnet.
package rbm
