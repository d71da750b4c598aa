package data_test

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/deepnet-go/deepnet/data"
)

func ExampleWriteIDXFile() {
	dir, _ := os.MkdirTemp("", "idx")
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "labels-idx1-ubyte.gz") // gzipped because of ".gz"
	err := data.WriteIDXFile(path, &data.IDX{Type: data.TypeUint8, Dims: []int{4}, Data: []byte{5, 0, 4, 1}})
	fmt.Println(err)
	x, err := data.ReadIDXFile(path)
	fmt.Println(x.Dims, x.Data, err)
	// Output:
	// <nil>
	// [4] [5 0 4 1] <nil>
}

func ExampleReadIDX() {
	// A header for 60000 images of 28×28 pixels, and only 3 bytes of them.
	in := []byte{0, 0, 8, 3, 0, 0, 0xea, 0x60, 0, 0, 0, 28, 0, 0, 0, 28, 1, 2, 3}
	_, err := data.ReadIDX(bytes.NewReader(in), "train-images-idx3-ubyte")
	fmt.Println(err)
	var fe *data.FormatError
	fmt.Println(errors.As(err, &fe), fe.Offset)
	// Output:
	// train-images-idx3-ubyte: offset 16: header claims 60000×28×28 = 47040000 bytes, file has 3
	// true 16
}

func ExampleSet_Batch() {
	s := data.NewSet(3, 2, 2)
	copy(s.Image(2), []uint8{0, 51, 102, 255})
	s.Labels[2] = 7
	x := make([]float32, 2*4) // a mini-batch of 2 images of 4 pixels
	y := make([]int, 2)
	idx := []int{2, 0}
	s.Batch(x, idx)
	s.LabelsOf(y, idx)
	fmt.Println(x, y)
	// Output:
	// [0 0.2 0.4 1 0 0 0 0] [7 0]
}
