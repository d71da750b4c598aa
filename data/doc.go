// Package data reads and writes IDX files and holds labelled image data sets
// in memory. Package data/mnist finds, fetches and loads MNIST; package
// data/augment distorts images.
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
// ReadIDXHeader and ReadIDXHeaderFile read an IDX header alone (IDXHeader:
// element type and dimensions); of a gzipped file they inflate no more than
// the header and one 32 KiB deflate window, whatever the header claims.
//
// # Data sets
//
// A Set keeps images as uint8, row-major, one after another, with one uint8
// label per image; Slice and Subset share memory, and Batch converts images
// to float32 pixel/255 in [0, 1] only when a mini-batch is built, without
// allocating. Splits holds a data set split three ways: Train, Validation
// and Test (mnist.Load fills it with network3.py's split of MNIST).
//
// # Loading within a budget
//
// LoadSets reads sets from pairs of files, an images file (uint8,
// N×rows×cols) and a labels file (uint8, N); LoadSet reads one. Before any
// file's data is read, every file's header is read and checked: the roles'
// types and ranks (*FormatError), the sum of the data the headers claim
// against a budget, DefaultMaxBytes (1 GiB) unless the caller gives another
// (*SizeError), and the counts of each pair and the image size across sets
// (*MismatchError, naming both files). A file whose header lies costs no
// more than its header, even a small gzipped file that claims gigabytes;
// the data read must then be what the header announced. Errors name files,
// never the flags of a command line.
//
// Package data imports no other deepnet package but internal/atomicfile.
package data
