package model

import "errors"

// FormatError reports a file that is not a valid model or tensor file: what
// was wrong and, when known, the file's path.
type FormatError struct {
	// File is the path of the file, empty when reading from a stream.
	File string
	// Reason says what is wrong, e.g. "tensor 3.weight has shape [40 20 5 5],
	// the spec conv:40x3x3 needs [40 20 3 3]".
	Reason string
	// Err is the underlying error, if any (ErrDigest for a digest mismatch).
	Err error
}

// Error returns "model: FILE: REASON".
func (e *FormatError) Error() string {
	if e.File == "" {
		return "model: " + e.Reason
	}
	return "model: " + e.File + ": " + e.Reason
}

// Unwrap returns the underlying error.
func (e *FormatError) Unwrap() error { return e.Err }

// ErrDigest is the error a FormatError wraps when the SHA-256 of the data
// section does not match the "sha256" metadata value.
var ErrDigest = errors.New("data SHA-256 does not match the header: file corrupt")

// formatErr builds a FormatError with no file name (the caller that knows
// the path fills it in).
func formatErr(reason string, err error) *FormatError {
	return &FormatError{Reason: reason, Err: err}
}

// withFile sets the file name of a FormatError and returns err.
func withFile(err error, path string) error {
	var fe *FormatError
	if errors.As(err, &fe) && fe.File == "" {
		fe.File = path
	}
	return err
}
