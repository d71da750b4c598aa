// Package torchref reads testdata/torch_layers.json, the PyTorch float64
// references that testdata/torch_layers.py writes, for the tests of nn and
// train, and files of the same form (testdata/torch_optim.json, the
// optimisers').
package torchref

import (
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"runtime"
	"sync"
)

// Case is one case: its inputs and PyTorch's outputs, in PyTorch's layouts
// (images NCHW, weights [out][in]...), and for a whole step its network.
type Case struct {
	Name    string
	Spec    string
	Inputs  map[string]Tensor
	Outputs map[string]Tensor
}

// Tensor is a shape and float64 values in row-major order.
type Tensor struct {
	Shape []int
	Data  []float64
}

// UnmarshalJSON reads {"shape", "data": [numbers]} or {"shape",
// "float64le": base64 of little-endian float64s}.
func (t *Tensor) UnmarshalJSON(b []byte) error {
	var raw struct {
		Shape     []int
		Data      []float64
		Float64le *string
	}
	if err := json.Unmarshal(b, &raw); err != nil {
		return err
	}
	t.Shape, t.Data = raw.Shape, raw.Data
	if raw.Float64le != nil {
		bytes, err := base64.StdEncoding.DecodeString(*raw.Float64le)
		if err != nil || len(bytes)%8 != 0 {
			return fmt.Errorf("torchref: float64le of %d bytes: %v", len(bytes), err)
		}
		t.Data = make([]float64, len(bytes)/8)
		for i := range t.Data {
			t.Data[i] = math.Float64frombits(binary.LittleEndian.Uint64(bytes[8*i:]))
		}
	}
	n := 1
	for _, d := range t.Shape {
		n *= d
	}
	if n != len(t.Data) {
		return fmt.Errorf("torchref: shape %v holds %d values, not %d", t.Shape, n, len(t.Data))
	}
	return nil
}

// F32 returns the values rounded to float32.
func (t Tensor) F32() []float32 {
	out := make([]float32, len(t.Data))
	for i, v := range t.Data {
		out[i] = float32(v)
	}
	return out
}

// Path is testdata/torch_layers.json of this module.
func Path() string { return TestdataPath("torch_layers.json") }

// TestdataPath is the file name in testdata/ of this module.
func TestdataPath(name string) string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Join(filepath.Dir(file), "..", "..", "testdata", name)
}

var load = sync.OnceValues(func() (map[string]Case, error) { return Load(Path()) })

// Cases returns every case of testdata/torch_layers.json by name (read
// once).
func Cases() (map[string]Case, error) { return load() }

// Load reads every case of the references file path by name.
func Load(path string) (map[string]Case, error) {
	raw, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var file struct{ Cases []Case }
	if err := json.Unmarshal(raw, &file); err != nil {
		return nil, fmt.Errorf("%s: %v", path, err)
	}
	cases := make(map[string]Case, len(file.Cases))
	for _, c := range file.Cases {
		cases[c.Name] = c
	}
	return cases, nil
}
