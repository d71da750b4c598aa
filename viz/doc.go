// Package viz draws deepnet's pictures as PNGs (and GIFs), with the
// standard library only (image, image/png, image/gif and a small built-in
// bitmap font):
//
//   - Kernels: a convolutional layer's kernels, as Nielsen's figure of the
//     20 feature maps of his first layer;
//   - FeatureMaps: what each convolution, pooling and activation layer
//     makes of one input, and the class probabilities (Activations returns
//     the numbers);
//   - Misclassified: the digits a network gets wrong, labelled
//     "true→predicted";
//   - Confusion: the confusion matrix as a heat map with its counts;
//   - Curves: accuracy (or any value) per epoch, one line per series;
//   - Tiles: a grid of small images, such as digits an RBM or a deep
//     belief net generates or reconstructs, or an RBM's filters; Stack
//     puts pictures one under another;
//   - WritePNG saves a picture atomically, WriteGIF an animation of
//     several (a Gibbs chain, frame by frame).
//
// # Conventions
//
// Grey levels follow Nielsen's figures: darker is larger (black ink on
// white for digits, darker squares for larger weights and activations).
// Each drawing function returns a new *image.RGBA whose size depends only
// on its arguments' shapes, never on their values, and draws text with a
// 5×8 pixel font (letters, digits, common punctuation, '×' and '→') at
// twice its size. Arguments of the wrong shape are programmer errors and
// panic with a message; WritePNG and Activations return errors.
//
// viz imports nn and tensor, and nothing from train, data or model: callers
// pass it weights, images and counts.
package viz
