// Package imageprep turns a picture of a handwritten digit (a photo, a scan,
// a drawing from a web page) into a 28×28 image like those of MNIST, so that
// a network trained on MNIST can read it.
//
// Digit repeats the steps with which MNIST was made from NIST's scans:
//
//  1. Grayscale: the luminance Y = 0.299R + 0.587G + 0.114B of each pixel,
//     transparent pixels composited over white.
//  2. Polarity: the background level is the median of the border pixels
//     (the outermost rows and columns). When it is light (above one half)
//     the image is inverted, so that the digit is light on dark, as in MNIST.
//  3. Levels: the background level maps to 0 and the brightest ink to 1;
//     values below the background clamp to 0.
//  4. Crop: the bounding box of the pixels above InkThreshold. An image with
//     no such pixel (blank, or of nearly one colour) is an error wrapping
//     ErrNoDigit ("no digit found").
//  5. Size: the box is scaled, keeping its aspect ratio, so that its longer
//     side is 20 pixels: by area averaging (antialiased) when it shrinks, by
//     bilinear interpolation when it grows. The result's levels are
//     stretched again so that its brightest pixel is 255.
//  6. Centre: the 20×20 (or narrower) digit is placed in the 28×28 frame so
//     that the centre of mass of its intensities falls as near as an integer
//     shift allows to the frame's centre, pixel (14, 14) counting from 0 (as
//     in MNIST, whose digits have their centre of mass within half a pixel
//     of it), the shift clamped so that the digit stays inside the frame.
//
// The result is row-major, 0 for background and 255 for full ink, the layout
// and polarity of MNIST's IDX files. DecodeFile reads PNG, JPEG and GIF
// files; its errors name the file, and a corrupt or enormous file is an
// error, never a panic.
//
// The package depends only on the standard library and on no other deepnet
// package.
package imageprep
