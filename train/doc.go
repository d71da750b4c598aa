// Package train trains models with stochastic gradient descent on
// mini-batches, as network3.py: L2 regularisation of the weights scaled by
// the number of mini-batches, and, beyond the book, momentum, learning-rate
// schedules, early stopping, stochastic weight averaging (average.go) and
// checkpoints that resume to the same weights.
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
// A step updates each layer's weights as soon as its gradients are final
// (nn.Network.BackwardFrom), which reads them while they are in cache and
// gives the same weights as one update after the whole backward pass.
//
// Invariants: a training step (Trainer.Step) does not allocate; the same seed
// gives the same example order, the same dropout masks and the same weights,
// on one core or many; a cost that is NaN or infinite stops training with a
// *DivergedError. Errors speak of settings (η, λ, the number of epochs), not
// of the command-line flags that set them.
//
// Presets holds the rows of the chapter's table with the book's settings.
package train
