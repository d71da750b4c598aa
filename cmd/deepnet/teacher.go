package main

import (
	"fmt"
	"io"
	"strings"

	"github.com/deepnet-go/deepnet/data"
	"github.com/deepnet-go/deepnet/ensemble"
	"github.com/deepnet-go/deepnet/model"
	"github.com/deepnet-go/deepnet/nn"
	"github.com/deepnet-go/deepnet/train"
)

// teacherFiles returns the model files of --teacher (none when unset).
func (f *trainFlags) teacherFiles() []string {
	if f.teachers == "" {
		return nil
	}
	return strings.Split(f.teachers, ",")
}

// applyTeacher gives cfg the --teacher networks' mean probabilities on set,
// the training set, as distillation targets with weight --teacher-weight.
// They are computed once, on the undistorted images: a distorted image
// keeps its image's targets as it keeps its label, and a step costs no
// teacher forward pass.
func (f *trainFlags) applyTeacher(cfg *train.Config, set *data.Set, stdout io.Writer) error {
	files := f.teacherFiles()
	if len(files) == 0 {
		if f.teacherWeight >= 0 {
			return fmt.Errorf("--teacher-weight needs --teacher FILE[,FILE...]")
		}
		return nil
	}
	w := f.teacherWeight
	if w < 0 {
		w = 0.5
	}
	if w > 1 {
		return fmt.Errorf("--teacher-weight %v: want a weight in [0, 1]", w)
	}
	var nets []*nn.Network
	for _, path := range files {
		net, _, err := model.Load(path)
		if err != nil {
			return err
		}
		if in := net.In; in.C != 1 || in.H != set.Rows || in.W != set.Cols {
			return fmt.Errorf("--teacher %s: the network takes %s inputs, the data are %d×%d images", path, in, set.Rows, set.Cols)
		}
		nets = append(nets, net)
	}
	e, err := ensemble.New(nets, ensemble.Average)
	if err != nil {
		return fmt.Errorf("--teacher: %v", err)
	}
	probs := e.Probabilities(set)
	k := nets[0].Classes()
	right := 0
	for i := range set.N {
		if nn.Argmax(probs[i*k:(i+1)*k]) == int(set.Labels[i]) {
			right++
		}
	}
	cfg.Teacher, cfg.TeacherWeight = probs, w
	fmt.Fprintf(stdout, "teacher  the mean of %d networks (%s), weight %g: %.2f%% of the training images right\n",
		len(nets), strings.Join(files, ", "), w, 100*float64(right)/float64(max(set.N, 1)))
	return nil
}
