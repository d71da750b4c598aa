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
// an uninterrupted one draws with no generator state to save. The
// generator is SplitMix64, whose state is a counter, and a binary state
// is drawn without a branch: about a nanosecond each. With the
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
//     (the chains start at the first training vectors, binarised). The
//     first sweep draws the hidden units from the probabilities the
//     previous step computed for its gradient, before its update, as
//     Tieleman's and scikit-learn's code do: a matrix product fewer a
//     step.
//
// With pn the hidden probabilities of the negative vectors vn, the step
// writes the gradient of mean F(v0) − mean F(vn) (F the free energy),
//
//	∂W = −(p0ᵀ·v0 − pnᵀ·vn)/n,  ∂vbias = −Σ(v0 − vn)/n,  ∂hbias = −Σ(p0 − pn)/n,
//
// which train's SGD descends. Its cost is the squared reconstruction error
// of v0 given h, as Hinton's code prints it. Weight decay is train's λ:
// LambdaOf maps Hinton's weight cost onto it exactly, and Recipe is
// Hinton's settings. The persistent chains (with their hidden
// probabilities), and the CD settings, go into checkpoints through CD's
// Encode and come back through its Restore (a train.Restorer), so a
// resumed run trains the bits an uninterrupted one does. Measure scores the held-out vectors by their pseudo-likelihood
// (Metric), cheap enough for every epoch.
//
// Measure's pseudo-likelihood costs 16 conditional probabilities a
// vector, each a product over the hidden units (one log per chunk of
// factors): about 0.8 s for MNIST's 10,000 validation and 10,000 test
// images with 500 hidden units on two cores, a quarter of an epoch of
// CD-1. Gaussian units are scored by their reconstruction error instead.
//
// # How good a generative model is: AIS
//
// ExactLogZ sums the partition function over the 2^H hidden states
// (H ≤ 20), in float64. AIS (Salakhutdinov and Murray 2008) estimates
// it for larger RBMs: M runs (100) annealed through K distributions (the
// paper's 14,500 inverse temperatures, their spacing kept for other K)
// from the base-rate model of the data (BaseRate: no weights, visible
// biases from the data's marginals, the RBM's hidden units), with a ±3σ
// band from the variance of the importance weights; LogLikelihood turns
// it into the mean log-probability of a data set, in nats, with its band.
// Binarize gives the binary test vectors the paper measures.
//
// # Deep belief nets
//
// A DBN (NewDBN) stacks RBMs; the top one's visible units are the layer
// below joined with the labels, one softmax unit (784-500-500-2000 with
// 10 labels is Hinton, Osindero and Teh's). Greedy trains them one after
// the other with CD, each on the hidden probabilities of the data passed
// up through those below (or their samples: Binarization PerEpoch), with
// a directory of checkpoints from which a stopped run resumes to the same
// bits. Generate clamps a label, runs Gibbs sampling in the top RBM and
// passes its visible means down through the generative weights to pixel
// probabilities; Reconstruct and Classify go up (and down); Network turns
// the DBN into the feed-forward network "fc:500:sigmoid fc:500:sigmoid
// fc:2000:sigmoid softmax:10" whose layers take the RBMs' recognition
// weights and hidden biases (and the top RBM's label weights, transposed,
// for the softmax layer), to be fine-tuned with train.Run.
//
// # Model files
//
// An RBM (Save, Load) and a DBN (SaveDBN, LoadDBN) are deepnet model
// files, safetensors with the format's metadata, whose "kind" is "rbm" or
// "dbn" and whose sizes are metadata too ("visible", "hidden",
// "visible_units", "labels"; a DBN's prefixed by the RBM's index, "0.",
// with "layers", "input" and "trained_layers"); the tensors are W, vbias
// and hbias ("0.W"... in a DBN). model.Decode refuses them, and Load and
// LoadDBN refuse networks and each other's files, with a
// *model.KindError. ReadCheckpoint reads what train.Fit checkpointed for
// a CD objective.
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
