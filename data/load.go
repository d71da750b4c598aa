package data

import (
	"fmt"
	"io"
	"math"
	"os"
	"slices"
)

// DefaultMaxBytes is the budget of LoadSet, and of LoadSets given none: the
// most bytes of data (images and labels) that the headers of the files one
// call loads may claim in all. MNIST takes 55 MB, its expanded training set
// 196 MB.
const DefaultMaxBytes = 1 << 30

// SetFiles names the two IDX files of a labelled image set, each optionally
// gzipped: Images holds uint8 images N×rows×cols, Labels N uint8 labels.
type SetFiles struct {
	Images, Labels string
}

// SizeError reports data files whose headers claim more bytes of data than
// a load may take. It is returned before any file's data is read.
type SizeError struct {
	File   string    // the file whose header took the total over Limit
	Header IDXHeader // that file's header
	Total  int64     // bytes claimed by the files checked so far, File's included
	Limit  int64     // the budget
}

// Error says what File claims and what the limit is.
func (e *SizeError) Error() string {
	own := e.Header.DataBytes()
	msg := fmt.Sprintf("data: %s: header claims %s = %s", e.File, e.Header.describe(), bytesString(own))
	if e.Total > own {
		msg += fmt.Sprintf(", %s with the files before it", bytesString(e.Total))
	}
	return msg + fmt.Sprintf(", more than the limit of %d bytes", e.Limit)
}

// MismatchError reports two data files whose headers disagree: an images
// file and its labels file that hold different numbers of examples, or two
// images files whose images differ in size. It is returned before any
// file's data is read.
type MismatchError struct {
	Files  [2]string // the two files
	Claims [2]string // what each holds, as its header claims: "5 images", "4 labels", "28×28 images"
}

// Error names both files and what each holds.
func (e *MismatchError) Error() string {
	return "data: " + e.Files[0] + " holds " + e.Claims[0] + " but " + e.Files[1] + " holds " + e.Claims[1]
}

// LoadSet reads a labelled image set from an images file and a labels file,
// each optionally gzipped, as LoadSets does, within DefaultMaxBytes.
func LoadSet(imagesPath, labelsPath string) (*Set, error) {
	sets, err := LoadSets(DefaultMaxBytes, SetFiles{imagesPath, labelsPath})
	if err != nil {
		return nil, err
	}
	return sets[0], nil
}

// LoadSets reads labelled image sets whose images all have the same
// rows×cols (a training set and a test set, say). Before it reads any
// file's data it reads every file's header, inflating no more than the
// header of a gzipped file, and checks that:
//
//   - images are uint8 N×rows×cols and labels uint8 N (else *FormatError);
//   - all the files' data together, as their headers claim it, fit in
//     maxBytes (else *SizeError); maxBytes ≤ 0 means DefaultMaxBytes;
//   - each images file holds as many images as its labels file holds
//     labels, and all images have the rows×cols of the first set's (else
//     *MismatchError, naming both files).
//
// So a corrupt or hostile file costs no more than its header, even a small
// gzipped file that claims gigabytes. Each file's data must then be what its
// header announced (else *FormatError).
func LoadSets(maxBytes int64, sets ...SetFiles) ([]*Set, error) {
	if maxBytes <= 0 {
		maxBytes = DefaultMaxBytes
	}
	files := make([]*idxFile, 0, 2*len(sets))
	defer func() {
		for _, f := range files {
			f.f.Close()
		}
	}()
	var total int64
	for _, s := range sets {
		for j, path := range [2]string{s.Images, s.Labels} {
			f, err := openIDX(path)
			if err != nil {
				return nil, err
			}
			files = append(files, f)
			if err := checkRole(path, f.h, j == 0); err != nil {
				return nil, err
			}
			if total > math.MaxInt64-f.h.DataBytes() {
				total = math.MaxInt64
			} else {
				total += f.h.DataBytes()
			}
			if total > maxBytes {
				return nil, &SizeError{File: path, Header: f.h, Total: total, Limit: maxBytes}
			}
		}
	}
	if err := checkAgree(sets, files); err != nil {
		return nil, err
	}
	out := make([]*Set, len(sets))
	for i := range sets {
		im, err := files[2*i].read()
		if err != nil {
			return nil, err
		}
		lb, err := files[2*i+1].read()
		if err != nil {
			return nil, err
		}
		out[i] = &Set{Images: im.Data, Labels: lb.Data, N: im.Dims[0], Rows: im.Dims[1], Cols: im.Dims[2], Source: sets[i].Labels}
	}
	return out, nil
}

// idxFile is an open IDX file whose header has been read; the file is back
// at its start.
type idxFile struct {
	f    *os.File
	path string
	h    IDXHeader
}

// openIDX opens the IDX file at path and reads its header.
func openIDX(path string) (*idxFile, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	h, err := ReadIDXHeader(f, path)
	if err == nil {
		_, err = f.Seek(0, io.SeekStart)
	}
	if err != nil {
		f.Close()
		return nil, err
	}
	return &idxFile{f: f, path: path, h: h}, nil
}

// read reads the whole file, which must hold the header read by openIDX and
// no more data than it announced.
func (x *idxFile) read() (*IDX, error) {
	idx, err := readIDX(x.f, x.path, fileRemaining(x.f), x.h.DataBytes())
	if err != nil {
		return nil, err
	}
	if idx.Type != x.h.Type || !slices.Equal(idx.Dims, x.h.Dims) {
		return nil, &FormatError{x.path, 0, fmt.Sprintf("header changed from %s to %s while the file was read", x.h.describe(), IDXHeader{idx.Type, idx.Dims}.describe())}
	}
	return idx, nil
}

// checkRole checks that h is the header of an images file (uint8,
// N×rows×cols) or of a labels file (uint8, N).
func checkRole(path string, h IDXHeader, images bool) error {
	want, rank := "labels of shape N", 1
	if images {
		want, rank = "images N×rows×cols", 3
	}
	switch {
	case h.Type != TypeUint8:
		return &FormatError{path, 2, fmt.Sprintf("want uint8 %s, have %s", want, h.describe())}
	case len(h.Dims) != rank:
		return &FormatError{path, 3, fmt.Sprintf("want uint8 %s, have %s", want, h.describe())}
	}
	return nil
}

// checkAgree checks that the images and labels files of each set hold as
// many examples, and that the images of all sets have the same size.
func checkAgree(sets []SetFiles, files []*idxFile) error {
	for i, s := range sets {
		im, lb := files[2*i].h, files[2*i+1].h
		if im.Dims[0] != lb.Dims[0] {
			return &MismatchError{
				Files:  [2]string{s.Images, s.Labels},
				Claims: [2]string{fmt.Sprintf("%d images", im.Dims[0]), fmt.Sprintf("%d labels", lb.Dims[0])},
			}
		}
		if first := files[0].h; !slices.Equal(im.Dims[1:], first.Dims[1:]) {
			return &MismatchError{
				Files:  [2]string{sets[0].Images, s.Images},
				Claims: [2]string{shapeString(first.Dims[1:]) + " images", shapeString(im.Dims[1:]) + " images"},
			}
		}
	}
	return nil
}
