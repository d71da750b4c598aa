package main

import (
	"fmt"
	"math"
	"strings"

	"github.com/deepnet-go/deepnet/data"
	"github.com/deepnet-go/deepnet/ensemble"
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
// the training set, softened by --teacher-temperature T (p^(1/T),
// normalised: softmax(z/T) for one network of logits z), as distillation
// targets with weight --teacher-weight. They are computed once, on the
// undistorted images: a distorted image keeps its image's targets as it
// keeps its label, and a step costs no teacher forward pass. On the images
// they were trained on, networks are nearly certain, so the targets say
// little beyond the label unless T > 1. It returns a line that describes the
// teachers ("" without --teacher).
func (f *trainFlags) applyTeacher(cfg *train.Config, set *data.Set) (string, error) {
	files := f.teacherFiles()
	if len(files) == 0 {
		return "", nil
	}
	w := f.teacherWeight // checkValues checked it and the temperature
	var nets []*nn.Network
	for _, path := range files {
		net, _, err := loadClassifier(path, 0)
		if err != nil {
			return "", fmt.Errorf("--teacher: %w", err)
		}
		if err := checkSets(path, net, set); err != nil {
			return "", fmt.Errorf("--teacher: %w", err)
		}
		nets = append(nets, net)
	}
	e, err := ensemble.New(nets, ensemble.Average)
	if err != nil {
		return "", fmt.Errorf("--teacher: %v", err)
	}
	probs := e.Probabilities(set)
	k := nets[0].Classes()
	right := 0
	for i := range set.N {
		row := probs[i*k : (i+1)*k]
		if nn.Argmax(row) == int(set.Labels[i]) {
			right++
		}
		soften(row, f.teacherTemp)
	}
	cfg.Teacher, cfg.TeacherWeight = probs, w
	return fmt.Sprintf("teacher  the mean of %d networks (%s), weight %g, temperature %g: %.2f%% of the training images right",
		len(nets), strings.Join(files, ", "), w, f.teacherTemp, 100*float64(right)/float64(max(set.N, 1))), nil
}

// soften replaces the probabilities p by p^(1/t), normalised to sum to 1.
func soften(p []float32, t float64) {
	if t == 1 {
		return
	}
	var sum float64
	for _, v := range p {
		sum += math.Pow(float64(v), 1/t)
	}
	for i, v := range p {
		p[i] = float32(math.Pow(float64(v), 1/t) / sum)
	}
}
