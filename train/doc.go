// Package train trains models with stochastic gradient descent on
// mini-batches, as network3.py: L2 regularisation of the weights scaled by
// the number of mini-batches, and, beyond the book, momentum, Adam and
// RMSprop, gradient clipping, learning-rate schedules, early stopping,
// stochastic weight averaging (average.go) and checkpoints that resume to
// the same weights.
//
// # The loop and its objectives
//
// Fit is the loop: every epoch it trains on the training examples in an
// order drawn from the seed, then scores validation and test data, and it
// reports the test score at the epoch of best validation score (ties go to
// the later epoch), as network3 does. OnBatch and OnEpoch hooks let a
// progress bar, a metrics file or a web page watch. What is trained and how
// it is scored is an Objective: the loop, its records, checkpoints,
// resumption, averaging and hooks are shared by every objective, not
// copied. Classification (NewClassification; Run) is the chapter's: a
// network that ends in a classifier, the mean log-likelihood of the labels
// (or its label-smoothed form, or distillation towards a teacher's
// probabilities), images distorted afresh each epoch, and accuracy as the
// score.
//
// Where deepnet departs from network3's selection: with Config.SelectLast
// the candidates are the last epochs and the averaged weights only. Over a
// long annealed run the maximum of 60 noisy validation accuracies is often
// an early epoch that was lucky on validation and is worse on test; the
// late epochs of a schedule that has annealed are the finished networks to
// choose among (docs/RESULTS.md).
//
// Test-time augmentation (Config.Views, Evaluator) measures the candidates
// through views of each image. Only the candidates: the other epochs, which
// cannot be selected, are measured on the images as they are.
//
// # Optimisers
//
// An Optimizer updates the parameters from their gradients: SGD (network3's,
// with momentum or Nesterov's beyond it), Adam and RMSprop, chosen by
// Config.Optimizer. They are PyTorch's torch.optim.SGD, Adam and RMSprop
// (testdata/torch_optim.json holds PyTorch's steps), with one convention of
// network3's kept for all: the L2 term λ/B·w (B the mini-batches of an
// epoch) is added to the gradient of the weights, not the biases, before
// anything else, so Adam's L2 is torch.optim.Adam's coupled weight_decay
// (not AdamW's) and λ means the same whatever the optimiser. Their
// per-weight arithmetic is internal/f32's kernels; what depends on the step
// alone (Adam's bias corrections, per parameter, as PyTorch counts steps) is
// computed once in float64. Their state (velocity, moments and step counts,
// mean squares) is part of a checkpoint, under the optimiser's name: a run
// resumes only with the optimiser it started with.
//
// SGD's momentum may change from epoch to epoch (Config.MomentumSchedule,
// MomentumSwitch: Hinton's 0.5 for five epochs, then 0.9, for restricted
// Boltzmann machines), as the learning rate does with Config.Schedule: a
// function of the epoch alone, so a resumed run needs no state for it.
// With a schedule the velocity is kept in every epoch, and a schedule that
// gives every epoch the same momentum trains to the same bits as that
// constant momentum.
//
// A step updates each layer's weights as soon as its gradients are final
// (nn.Network.BackwardFrom), which reads them while they are in cache and
// gives the same weights as one update after the whole backward pass.
// Gradient clipping (Config.ClipNorm, ClipGradNorm: PyTorch's
// clip_grad_norm_) needs the norm of every gradient before any update, so
// with it the backward pass runs whole, the norm is summed in float64 in
// a fixed order (the same for any number of workers), the gradients are
// scaled and then every parameter is updated; without it the fused path is
// unchanged.
//
// An objective whose state beyond its parameters lives in the objective
// itself (the persistent chains of contrastive divergence) writes it into
// its Encode's file and implements Restorer: Fit hands it the checkpoint
// when it resumes.
//
// # Data-parallel training
//
// With Config.Comm (a Comm: package mpi's over MPI, or any group of
// processes that can sum a buffer) the processes train one model
// synchronously. Every process holds the same parameters, draws the same
// example order and cuts each mini-batch into contiguous shards, one per
// rank (Shard); it runs the forward and backward passes of its shard,
// scales the gradients by the shard's share of the mini-batch, and one
// AllreduceSum over every trained gradient (with the shards' costs and a
// stop flag after them) gives each process the mini-batch's mean gradient.
// Every process then clips and updates identically, so the parameters stay
// the same bits on every rank. Without dropout and batch normalisation the
// weights equal one process's with the same mini-batches to within float
// rounding (the sum is taken in another order; comm_test.go checks 1e-5
// of 1+|w| after two epochs, and finds about 3e-7). Dropout masks and
// distortions are drawn per shard: rank 0 draws as one process does, every
// other rank reseeds its generators from (seed, epoch, rank) at each epoch
// (Shardable: only objectives that implement it can be shared, classification among deepnet's), so a resumed group draws what it would have. Batch
// normalisation normalises each shard by its own statistics, and each
// rank's running statistics are its own (as PyTorch's DistributedDataParallel
// without SyncBatchNorm). Every rank measures the parameters and rank 0's
// scores are broadcast, so that all select the same epochs and stop early
// together; only rank 0 writes checkpoints. A context cancelled on any rank
// stops every rank after the same mini-batch. The path without a Comm is
// unchanged: the same bits, no allocation in a step.
//
// Invariants: a training step (Trainer.Step) does not allocate; the same seed
// gives the same example order, the same dropout masks and the same weights,
// on one core or many; a cost that is NaN or infinite stops training with a
// *DivergedError. Errors speak of settings (η, λ, the number of epochs), not
// of the command-line flags that set them.
//
// Fine-tuning: parameters marked nn.Param.Frozen (nn.Network.SetFrozen) are
// never updated, clipped or all-reduced, and Config.Rates gives parameters
// a learning-rate factor of their own. Config.Final trains a final model
// with no validation set: no selection, the last (or averaged) weights.
//
// Presets holds the rows of the chapter's table with the book's settings.
package train
