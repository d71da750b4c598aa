package main

import (
	"context"
	"fmt"
	"image"
	"io"
	"strings"

	"github.com/deepnet-go/deepnet/data"
	"github.com/deepnet-go/deepnet/data/augment"
	"github.com/deepnet-go/deepnet/model"
	"github.com/deepnet-go/deepnet/nn"
	"github.com/deepnet-go/deepnet/train"
	"github.com/deepnet-go/deepnet/viz"
)

// misclassifiedLimit is the most digits a misclassified.png shows.
const misclassifiedLimit = 100

func runEval(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("eval")
	var outs outputs
	modelPath, dataDir, tta, mach := modelFlag(fs), dataFlag(fs), ttaFlag(fs), machineFlags(fs)
	miscPNG := outs.file(fs, "misclassified", fmt.Sprintf("draw the misclassified test digits (at most %d) into this PNG file", misclassifiedLimit))
	confPNG := outs.file(fs, "confusion", "draw the confusion matrix into this PNG file")
	if err := parseFlags(fs, args, stderr); err != nil {
		return err
	}
	views, err := parseTTA(*tta)
	if err != nil {
		return err
	}
	if err := mach.apply(); err != nil {
		return err
	}
	if err := outs.check(); err != nil {
		return err
	}
	net, info, d, err := loadModelAndData(*modelPath, *dataDir, stderr)
	if err != nil {
		return err
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	val, r := evaluate(net, d.Validation, views), evaluate(net, d.Test, views)
	fmt.Fprintf(stdout, "model    %s (%s)\n", *modelPath, net.Spec)
	printTrained(stdout, info)
	if line := viewsLine(views); line != "" {
		fmt.Fprintln(stdout, line)
	}
	if val.n > 0 {
		fmt.Fprintf(stdout, "validation accuracy %.2f%%  (%d of %d correct)\n", 100*val.accuracy(), val.correct, val.n)
	}
	fmt.Fprintf(stdout, "test accuracy %.2f%%  (%d of %d correct)\n", 100*r.accuracy(), r.correct, r.n)
	fmt.Fprintln(stdout)
	r.printClasses(stdout)
	fmt.Fprintln(stdout)
	r.printConfusion(stdout)
	if err := writePNG(stdout, *miscPNG, func() image.Image { return r.misclassified(d.Test, misclassifiedLimit) }); err != nil {
		return err
	}
	return writePNG(stdout, *confPNG, func() image.Image { return viz.Confusion(r.confusion) })
}

// printTrained prints the epoch a model file's weights are from and the
// accuracies it was saved with, when its training info says.
func printTrained(w io.Writer, info *model.Info) {
	if info == nil || info.BestEpoch <= 0 {
		return
	}
	// BestEpoch counts from 1, a train.Epoch from 0.
	rec := train.Epoch{Epoch: info.BestEpoch - 1, Averaged: info.AveragedEpochs > 0, AveragedEpochs: info.AveragedEpochs}
	through := ""
	if info.Views != "" {
		through = " through views " + info.Views
	}
	if info.Final {
		fmt.Fprintf(w, "trained  %s of %d, a final model (trained on the validation images too, nothing selected); test accuracy %.2f%% when saved%s\n",
			rec.Name(), info.Epochs, 100*info.TestAccuracy, through)
		return
	}
	fmt.Fprintf(w, "trained  %s of %d; validation accuracy %.2f%%, test accuracy %.2f%% when saved%s\n",
		rec.Name(), info.Epochs, 100*info.ValidationAccuracy, 100*info.TestAccuracy, through)
}

// writePNG draws the picture into path, creating its directory if
// missing, and says so; nothing when path is "".
func writePNG(w io.Writer, path string, draw func() image.Image) error {
	if path == "" {
		return nil
	}
	if err := makeParent(path); err != nil {
		return err
	}
	if err := viz.WritePNG(path, draw()); err != nil {
		return err
	}
	fmt.Fprintf(w, "wrote    %s\n", path)
	return nil
}

// loadModelAndData loads the model file and MNIST and checks that the
// network reads the data's images.
func loadModelAndData(path, dataDir string, log io.Writer) (*nn.Network, *model.Info, *data.Splits, error) {
	net, info, err := loadClassifier(path, 0)
	if err != nil {
		return nil, nil, nil, err
	}
	d, err := loadMNIST(dataDir, log)
	if err != nil {
		return nil, nil, nil, err
	}
	if err := checkSets(path, net, d.Validation, d.Test); err != nil {
		return nil, nil, nil, err
	}
	return net, info, d, nil
}

// evaluation is a network's predictions on a data set.
type evaluation struct {
	n, correct int
	predicted  []int
	// confusion[i][j] counts the examples of true class i predicted as j.
	confusion [][]int
}

// viewsLine describes test-time augmentation for an output's header; ""
// for none.
func viewsLine(views []augment.View) string {
	if augment.Plain(views) {
		return ""
	}
	names := make([]string, len(views))
	for i, v := range views {
		names[i] = v.String()
	}
	return fmt.Sprintf("views    %d per image, probabilities averaged (test-time augmentation): %s", len(views), strings.Join(names, ","))
}

// evaluate classifies every example of set, seen through views.
func evaluate(net *nn.Network, set *data.Set, views []augment.View) *evaluation {
	classes := net.Classes()
	for _, l := range set.Labels {
		classes = max(classes, int(l)+1)
	}
	r := &evaluation{n: set.N, predicted: make([]int, set.N), confusion: make([][]int, classes)}
	for i := range r.confusion {
		r.confusion[i] = make([]int, classes)
	}
	train.NewEvaluator(net, views...).Predict(set, func(i, class int) {
		r.predicted[i] = class
		truth := int(set.Labels[i])
		r.confusion[truth][class]++
		if class == truth {
			r.correct++
		}
	})
	return r
}

func (r *evaluation) accuracy() float64 {
	if r.n == 0 {
		return 0
	}
	return float64(r.correct) / float64(r.n)
}

// printClasses prints a table of each class's count and accuracy.
func (r *evaluation) printClasses(w io.Writer) {
	fmt.Fprintln(w, "digit  count  correct")
	for i, row := range r.confusion {
		count := 0
		for _, c := range row {
			count += c
		}
		pct := 0.0
		if count > 0 {
			pct = 100 * float64(row[i]) / float64(count)
		}
		fmt.Fprintf(w, "%5d  %5d  %6.2f%%\n", i, count, pct)
	}
}

// printConfusion prints the confusion matrix, rows true and columns
// predicted.
func (r *evaluation) printConfusion(w io.Writer) {
	fmt.Fprintln(w, "confusion matrix (rows: true digit, columns: predicted digit)")
	fmt.Fprintf(w, "%5s", "")
	for j := range r.confusion {
		fmt.Fprintf(w, " %5d", j)
	}
	fmt.Fprintln(w)
	for i, row := range r.confusion {
		fmt.Fprintf(w, "%5d", i)
		for _, c := range row {
			fmt.Fprintf(w, " %5d", c)
		}
		fmt.Fprintln(w)
	}
}

// misclassified draws up to limit of the examples of set the network got
// wrong, in order.
func (r *evaluation) misclassified(set *data.Set, limit int) *image.RGBA {
	var images []uint8
	var truth, pred []int
	for i, p := range r.predicted {
		if t := int(set.Labels[i]); p != t {
			images = append(images, set.Image(i)...)
			truth, pred = append(truth, t), append(pred, p)
			if len(truth) == limit {
				break
			}
		}
	}
	return viz.Misclassified(images, set.Rows, set.Cols, truth, pred, limit)
}
