// Package train trains nn.Networks with stochastic gradient descent on
// mini-batches, as network3.py: mean log-likelihood cost, L2 regularisation
// of the weights scaled by the number of mini-batches, and, beyond the book,
// momentum, learning-rate schedules, early stopping, data augmentation,
// label smoothing, distillation from a teacher's probabilities
// (Config.Teacher) and stochastic weight averaging (average.go).
//
// Run is the whole loop: every epoch it trains on the training set in an
// order drawn from the seed, then measures validation and test accuracy, and
// it reports the test accuracy at the epoch of best validation accuracy
// (ties go to the later epoch), as network3 does. OnBatch and OnEpoch hooks
// let a progress bar, a metrics file or the web page watch.
//
// Where deepnet departs from network3's selection: with Config.SelectLast
// the candidates are the last epochs and the averaged weights only. Over a
// long annealed run the maximum of 60 noisy validation accuracies is often
// an early epoch that was lucky on validation and is worse on test (the
// `best` preset's seed 4: epoch 41, 99.72% validation and 99.56% test,
// against 99.68% for the averaged weights); the late epochs of a schedule
// that has annealed are the finished networks to choose among.
//
// Test-time augmentation (Config.Views, Evaluator) measures the candidates
// through views of each image. Only the candidates: the other epochs, which
// cannot be selected, are measured on the images as they are, so that a
// `best` run pays for the views on 11 of its 61 evaluations (the last 10
// epochs and the averaged weights).
//
// A step updates each layer's weights as soon as Backward has that layer's
// gradients (nn.Network.BackwardUpdate), which reads them while they are in
// cache and gives the same weights as one update after the whole Backward.
//
// Invariants: a training step (Trainer.Step) does not allocate; the same seed
// gives the same example order, the same dropout masks and the same weights,
// on one core or many; a cost that is NaN or infinite stops training with
// ErrDiverged.
//
// Presets holds the rows of the chapter's table with the book's settings.
package train
