// Package augment distorts images: at random, to train on more data than
// there is, and in fixed views, to test a network on several versions of
// each image.
//
// # Distortions for training
//
// Shift, Rotate and Elastic are pure functions of one rows×cols uint8 image,
// row-major, that write into a caller's dst without allocating; dst and src
// must not overlap. All randomness comes from a caller's *rand.Rand, so a
// seed fixes the result. Pixels that come from outside the image are zero.
// A shift moves pixels exactly; rotation, zoom and elastic distortion sample
// the image bilinearly and round to the nearest uint8.
//
// Expand builds network3's expanded training set (expand_mnist.py): each
// image followed by its four one-pixel shifts (down, up, right, left), the
// whole shuffled by a seed; it returns a new data.Set and leaves its input
// alone.
//
// A Config describes random distortions (shift, rotation, zoom, elastic),
// drawn afresh for each image each time it is used; its zero value distorts
// nothing. An Augmenter applies one with its own workspace, so that Apply
// and Batch do not allocate; it is not safe for concurrent use.
//
// # Views for testing
//
// A View is one fixed distortion for test-time augmentation: a network sees
// each test image through several views and its predictions are averaged
// (MeanOverViews, which does not allocate). The zero View is the image
// itself, and Plain reports whether a list of views shows only that.
// ParseViews reads lists of views ("shifts", "id,rotate:-5,rotate:5", ...);
// FormatViews writes a list in the syntax ParseViews reads back.
//
// Package augment imports only data, for data.Set.
package augment
