// Package text reads a text file as bytes for character-level language
// models: the first 90% of the bytes to train on, the last 10% to
// validate on, as the PyTorch peer (shared/bench/pytorch_sequence.py)
// splits them. A file that is empty, larger than the budget, or binary
// (it holds a NUL byte) is an *Error before it is used.
package text

import (
	"bytes"
	"fmt"
	"io"
	"os"
)

// DefaultMaxBytes is the largest text file Load reads when given no
// budget.
const DefaultMaxBytes = 1 << 30

// Corpus is a text split in two.
type Corpus struct {
	// Source names the file.
	Source            string
	Train, Validation []byte
}

// Error is a file that cannot be a corpus: what is wrong with it.
type Error struct {
	File, Reason string
}

func (e *Error) Error() string { return "text: " + e.File + ": " + e.Reason }

// Load reads the file at path, within maxBytes (≤ 0: DefaultMaxBytes),
// and splits it: the first 90% to train on, the rest to validate on.
func Load(path string, maxBytes int64) (*Corpus, error) {
	if maxBytes <= 0 {
		maxBytes = DefaultMaxBytes
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, err
	}
	switch {
	case st.IsDir():
		return nil, &Error{File: path, Reason: "is a directory, not a text file"}
	case st.Size() > maxBytes:
		return nil, &Error{File: path, Reason: fmt.Sprintf("%d bytes, more than the limit of %d", st.Size(), maxBytes)}
	}
	raw, err := io.ReadAll(io.LimitReader(f, maxBytes+1))
	if err != nil {
		return nil, err
	}
	return Split(path, raw)
}

// Split splits raw, the contents of source, as Load does.
func Split(source string, raw []byte) (*Corpus, error) {
	if len(raw) < 10 {
		return nil, &Error{File: source, Reason: fmt.Sprintf("%d bytes: too short for a text to learn from", len(raw))}
	}
	if i := bytes.IndexByte(raw, 0); i >= 0 {
		return nil, &Error{File: source, Reason: fmt.Sprintf("a NUL byte at offset %d: a binary file, not text", i)}
	}
	cut := len(raw) * 9 / 10
	return &Corpus{Source: source, Train: raw[:cut], Validation: raw[cut:]}, nil
}
