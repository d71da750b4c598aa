package rbm

import (
	"bytes"
	"errors"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/deepnet-go/deepnet/internal/nettest"
	"github.com/deepnet-go/deepnet/model"
	"github.com/deepnet-go/deepnet/nn"
)

// TestRBMFileRoundTrip: an RBM saved and loaded is the same RBM, its
// info too, and the same RBM gives the same bytes.
func TestRBMFileRoundTrip(t *testing.T) {
	dir := t.TempDir()
	info := model.Info{Eta: 0.1, Lambda: 0.1, MomentumSchedule: "0.5:5:0.9", Epochs: 3}
	for i, c := range variants {
		r := randomRBM(t, c, 0.3)
		path := filepath.Join(dir, name(c)+".safetensors")
		if err := Save(path, r, info); err != nil {
			t.Fatal(err)
		}
		got, gotInfo, err := Load(path)
		if err != nil {
			t.Fatal(err)
		}
		if got.Config != r.Config || gotInfo.MomentumSchedule != info.MomentumSchedule {
			t.Errorf("%d: loaded %+v (%+v), saved %+v", i, got.Config, gotInfo, r.Config)
		}
		for k, p := range r.Params() {
			sameBits(t, p.Name, p.Value.Data, got.Params()[k].Value.Data)
		}
		again := filepath.Join(dir, "again.safetensors")
		Save(again, got, *gotInfo)
		a, _ := os.ReadFile(path)
		b, _ := os.ReadFile(again)
		if !bytes.Equal(a, b) {
			t.Errorf("%s: the loaded RBM saves to other bytes", name(c))
		}
	}
}

// TestKindsRefused: an RBM's file is not a network's, a DBN's or the
// other way round; each reader says which kind the file holds.
func TestKindsRefused(t *testing.T) {
	dir := t.TempDir()
	rbmPath, dbnPath, netPath := filepath.Join(dir, "rbm.safetensors"), filepath.Join(dir, "dbn.safetensors"), filepath.Join(dir, "net.safetensors")
	if err := Save(rbmPath, randomRBM(t, Config{Visible: 4, Hidden: 3}, 1), model.Info{}); err != nil {
		t.Fatal(err)
	}
	d, _ := NewDBN(DBNConfig{Sizes: []int{4, 3, 5}, Labels: 2})
	if err := SaveDBN(dbnPath, d, model.Info{}); err != nil {
		t.Fatal(err)
	}
	if err := model.Save(netPath, nettest.New(t, "fc:3:sigmoid softmax:2", nn.Shape{C: 1, H: 2, W: 2}, 4, 1), model.Info{}); err != nil {
		t.Fatal(err)
	}
	check := func(err error, path, kind, want string) {
		t.Helper()
		var ke *model.KindError
		if !errors.As(err, &ke) || ke.Kind != kind || ke.Want != want || !strings.Contains(err.Error(), path) {
			t.Errorf("%s read as %s: %v", kind, want, err)
		}
	}
	_, _, err := model.Load(rbmPath)
	check(err, rbmPath, KindRBM, model.KindNetwork)
	_, _, err = model.Load(dbnPath)
	check(err, dbnPath, KindDBN, model.KindNetwork)
	_, _, err = Load(netPath)
	check(err, netPath, model.KindNetwork, KindRBM)
	_, _, err = Load(dbnPath)
	check(err, dbnPath, KindDBN, KindRBM)
	_, _, err = LoadDBN(rbmPath)
	check(err, rbmPath, KindRBM, KindDBN)
	_, _, err = LoadDBN(netPath)
	check(err, netPath, model.KindNetwork, KindDBN)
}

// TestBadRBMFiles: files whose sizes, tensors or values are wrong are
// refused with a *model.FormatError that says what is wrong.
func TestBadRBMFiles(t *testing.T) {
	r := randomRBM(t, Config{Visible: 4, Hidden: 3}, 1)
	for _, c := range []struct {
		change func(f *model.File)
		want   string
	}{
		{func(f *model.File) { f.Metadata["hidden"] = "4" }, "needs tensor W of shape [4 4]"},
		{func(f *model.File) { f.Metadata["hidden"] = "x" }, `metadata hidden "x" is not a number`},
		{func(f *model.File) { f.Metadata["labels"] = "4" }, "4 label units of 4 visible"},
		{func(f *model.File) { f.Metadata["visible_units"] = "ternary" }, "want binary or gaussian"},
		{func(f *model.File) { f.Metadata["format_version"] = "9" }, "unsupported format_version"},
		{func(f *model.File) { f.Tensor("vbias").Data[2] = float32(math.NaN()) }, "tensor vbias holds NaN at index 2"},
		{func(f *model.File) {
			f.Tensors = append(f.Tensors, model.Tensor{Name: "velocity/W", Shape: []int{1}, Data: []float32{0}})
		}, "unknown tensor velocity/W"},
	} {
		f, _ := Encode(r, model.Info{})
		f.Tensors = append([]model.Tensor(nil), f.Tensors...)
		for i := range f.Tensors {
			f.Tensors[i].Data = append([]float32(nil), f.Tensors[i].Data...)
		}
		c.change(f)
		path := filepath.Join(t.TempDir(), "bad.safetensors")
		if err := model.WriteFileAtomic(path, f); err != nil {
			t.Fatal(err)
		}
		_, _, err := Load(path)
		var fe *model.FormatError
		if !errors.As(err, &fe) || fe.File != path || !strings.Contains(err.Error(), c.want) {
			t.Errorf("error %v, want a FormatError of %s saying %q", err, path, c.want)
		}
	}
}

// TestDBNFileRoundTrip: a DBN saved and loaded is the same DBN.
func TestDBNFileRoundTrip(t *testing.T) {
	d, err := NewDBN(DBNConfig{Sizes: []int{12, 5, 6, 7}, Labels: 3, Gaussian: true, In: nn.Shape{C: 1, H: 3, W: 4}, Seed: 4})
	if err != nil {
		t.Fatal(err)
	}
	d.Trained = 2
	path := filepath.Join(t.TempDir(), "dbn.safetensors")
	if err := SaveDBN(path, d, model.Info{Epochs: 7}); err != nil {
		t.Fatal(err)
	}
	got, info, err := LoadDBN(path)
	if err != nil {
		t.Fatal(err)
	}
	if got.In != d.In || got.Labels != 3 || !got.Gaussian || got.Trained != 2 || got.Seed != 4 || info.Epochs != 7 ||
		len(got.Sizes) != 4 || got.Sizes[3] != 7 || got.Sizes[0] != 12 {
		t.Fatalf("loaded %+v, saved %+v", got.DBNConfig, d.DBNConfig)
	}
	for i, p := range d.Params() {
		q := got.Params()[i]
		if q.Name != p.Name {
			t.Fatalf("parameter %s loaded as %s", p.Name, q.Name)
		}
		sameBits(t, p.Name, p.Value.Data, q.Value.Data)
	}
	for i, r := range d.RBMs {
		if got.RBMs[i].Config != r.Config {
			t.Errorf("RBM %d: %+v, saved %+v", i, got.RBMs[i].Config, r.Config)
		}
	}
}
