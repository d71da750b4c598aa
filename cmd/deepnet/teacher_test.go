package main

import (
	"math"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/deepnet-go/deepnet/model"
	"github.com/deepnet-go/deepnet/train"
)

// TestTrainWithTeacher distils a small network into another: the command
// names the teacher and its accuracy on the training images, the model file
// records it, and the weights differ from training on the labels alone.
func TestTrainWithTeacher(t *testing.T) {
	dir := mnistDir(t)
	tmp := t.TempDir()
	flags := []string{"--net", "fc:20:relu softmax:10", "--epochs", "1", "--train-limit", "500", "--eta", "0.1", "--data", dir}
	teacher, plain, student := filepath.Join(tmp, "t.safetensors"), filepath.Join(tmp, "p.safetensors"), filepath.Join(tmp, "s.safetensors")
	for _, args := range [][]string{
		{"--seed", "1", "--out", teacher},
		{"--seed", "2", "--out", plain},
		{"--seed", "2", "--out", student, "--teacher", teacher, "--teacher-weight", "0.7", "--teacher-temperature", "3"},
	} {
		code, out, errOut := deepnet(t, append(append([]string{"train"}, flags...), args...)...)
		if code != 0 {
			t.Fatalf("%v: exit %d\n%s\n%s", args, code, out, errOut)
		}
		if want := "teacher  the mean of 1 networks (" + teacher + "), weight 0.7, temperature 3: "; strings.Contains(strings.Join(args, " "), "--teacher") != strings.Contains(out, want) {
			t.Errorf("%v: output\n%s\nwant a line starting %q only with --teacher", args, out, want)
		}
	}
	s, info, err := model.Load(student)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(info.Teachers, []string{teacher}) || info.TeacherWeight != 0.7 || info.TeacherTemperature != 3 {
		t.Errorf("model info: teachers %q, weight %v, temperature %v", info.Teachers, info.TeacherWeight, info.TeacherTemperature)
	}
	p, _, err := model.Load(plain)
	if err != nil {
		t.Fatal(err)
	}
	if reflect.DeepEqual(s.Params()[0].Value.Data, p.Params()[0].Value.Data) {
		t.Error("the teacher changed nothing")
	}
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"--teacher-weight", "0.5"}, "needs --teacher"},
		{[]string{"--teacher", teacher, "--teacher-weight", "2"}, "weight in [0, 1]"},
		{[]string{"--teacher", filepath.Join(tmp, "missing.safetensors")}, "missing.safetensors"},
		{[]string{"--teacher", teacher, "--teacher-temperature", "0"}, "positive temperature"},
	} {
		code, _, errOut := deepnet(t, append(append([]string{"train"}, flags...), c.args...)...)
		if code != 1 || !strings.Contains(errOut, c.want) {
			t.Errorf("%v: exit %d, stderr %q, want %q", c.args, code, errOut, c.want)
		}
	}
}

func TestSoften(t *testing.T) {
	p := []float32{0.81, 0.18, 0.01, 0}
	soften(p, 2) // square roots 0.9, 0.424, 0.1, 0: sum 1.424
	want := []float64{0.9 / 1.4243, 0.4243 / 1.4243, 0.1 / 1.4243, 0}
	for i := range p {
		if math.Abs(float64(p[i])-want[i]) > 1e-4 {
			t.Fatalf("soften at 2: %v, want %v", p, want)
		}
	}
	q := []float32{0.7, 0.3}
	soften(q, 1)
	if q[0] != 0.7 || q[1] != 0.3 {
		t.Fatalf("soften at 1 changed %v", q)
	}
}

func TestPresetAsIs(t *testing.T) {
	p, err := train.LookupPreset("best")
	if err != nil {
		t.Fatal(err)
	}
	if !presetAsIs(p, false, false) {
		t.Error("the best preset as it is: no expect line")
	}
	if presetAsIs(p, true, false) || presetAsIs(p, false, true) {
		t.Error("a resumed or distilled run: an expect line")
	}
	p.Epochs++
	if presetAsIs(p, false, false) {
		t.Error("a changed preset: an expect line")
	}
}

// TestExpectOnlyOnThePresetsData: the preset's Expect line was measured on
// its own data from its own initial weights, so a flag that changes either
// (other data, a subset of classes or labels, a limit, starting weights, no
// validation) voids it, as a changed preset setting does.
func TestExpectOnlyOnThePresetsData(t *testing.T) {
	for _, args := range [][]string{
		{"--data", "d"}, {"--classes", "0-4"}, {"--labels-per-class", "100"}, {"--train-limit", "500"},
		{"--from", "m.safetensors"}, {"--init-from", "dbn.safetensors"}, {"--no-validation"},
	} {
		c := newTrainCmd()
		if err := c.fs.Parse(args); err != nil {
			t.Fatal(err)
		}
		if !c.otherData() {
			t.Errorf("%v: the Expect line would be printed", args)
		}
	}
	c := newTrainCmd()
	if err := c.fs.Parse([]string{"--seed", "2", "--workers", "1", "--out", "m.safetensors"}); err != nil {
		t.Fatal(err)
	}
	if c.otherData() {
		t.Errorf("--seed, --workers and --out void the Expect line")
	}
}
