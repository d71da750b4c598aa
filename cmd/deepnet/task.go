package main

import (
	"fmt"
	"io"
	"path/filepath"

	"github.com/deepnet-go/deepnet/data"
	"github.com/deepnet-go/deepnet/data/text"
	"github.com/deepnet-go/deepnet/lm"
	"github.com/deepnet-go/deepnet/nn"
	"github.com/deepnet-go/deepnet/train"
)

// task is what deepnet train and bench train on, as the preset says:
// MNIST-like images to classify (imagesTask), or a text for a character
// model (textTask, for a preset with Seq). Each loads its data, says what
// the network reads, and makes the train.Objective; the rest of a run
// (settings, checkpoints, records, files) is the same for both.
type task interface {
	// input is the shape of one example the network reads.
	input() nn.Shape
	// maxBatch is the largest batch to build the network for.
	maxBatch(batch int) int
	// examples is the number of training examples (for a text: windows
	// times rows) in mini-batches of batch.
	examples(batch int) int
	// prepare completes cfg with what the task adds (a teacher) and
	// returns a line for the header ("" for none).
	prepare(f *trainFlags, cfg *train.Config) (string, error)
	objective(net *nn.Network, cfg train.Config) (train.Objective, error)
	// classes is the number of classes of the labels (0: not a
	// classifier's data).
	classes() int
	// describe says what is trained on, for the header.
	describe() string
	// dataName names the data in a model file's training info.
	dataName() string
	// unit names what bench counts, "images" or "chars", and perExample
	// how many of them an example holds.
	unit() string
	perExample() int
}

// newTask loads the data of preset p as the flags say.
func newTask(f *trainFlags, p train.Preset, log io.Writer) (task, error) {
	if p.Seq > 0 {
		if f.text == "" {
			return nil, fmt.Errorf("preset %s trains a character model: give it a text file with --text FILE", p.Name)
		}
		c, err := text.Load(f.text, memoryLimit)
		if err != nil {
			return nil, err
		}
		return &textTask{corpus: c, seq: p.Seq}, nil
	}
	if f.text != "" {
		return nil, fmt.Errorf("--text is for a character model (such as --preset charlm); preset %s classifies images", p.Name)
	}
	d, err := f.loadData(p, log)
	if err != nil {
		return nil, err
	}
	return &imagesTask{d: d}, nil
}

// imagesTask classifies MNIST-like images (train.Classification).
type imagesTask struct{ d *data.Splits }

func (t *imagesTask) input() nn.Shape {
	return nn.Shape{C: 1, H: t.d.Train.Rows, W: t.d.Train.Cols}
}

// maxBatch is at least 100, the evaluation's batch.
func (t *imagesTask) maxBatch(batch int) int { return max(batch, 100) }

func (t *imagesTask) examples(int) int { return t.d.Train.N }

func (t *imagesTask) prepare(f *trainFlags, cfg *train.Config) (string, error) {
	return f.applyTeacher(cfg, t.d.Train)
}

func (t *imagesTask) objective(net *nn.Network, cfg train.Config) (train.Objective, error) {
	return train.NewClassification(net, t.d, cfg)
}

func (t *imagesTask) classes() int { return classCount(t.d) }

func (t *imagesTask) describe() string {
	d := t.d
	if d.Validation.N == 0 {
		return fmt.Sprintf("%d images (no validation, test %d)", d.Train.N, d.Test.N)
	}
	return fmt.Sprintf("%d images (validation %d, test %d)", d.Train.N, d.Validation.N, d.Test.N)
}

func (t *imagesTask) dataName() string { return fmt.Sprintf("mnist-%d", t.d.Train.N) }

func (t *imagesTask) unit() string { return "images" }

func (t *imagesTask) perExample() int { return 1 }

// textTask is a character model of a text (package lm).
type textTask struct {
	corpus *text.Corpus
	seq    int
}

func (t *textTask) input() nn.Shape { return nn.Shape{C: 1, H: 1, W: 1, Flat: true, T: t.seq} }

func (t *textTask) maxBatch(batch int) int { return batch }

// examples counts windows times rows.
func (t *textTask) examples(batch int) int {
	rows := len(t.corpus.Train) / max(batch, 1)
	return (max(rows-1, 0) / t.seq) * batch
}

func (t *textTask) prepare(*trainFlags, *train.Config) (string, error) { return "", nil }

func (t *textTask) objective(net *nn.Network, cfg train.Config) (train.Objective, error) {
	return lm.NewObjective(net, t.corpus, cfg)
}

func (t *textTask) classes() int { return 0 }

func (t *textTask) describe() string {
	c := t.corpus
	return fmt.Sprintf("the %d bytes of %s (validation: the last %d), windows of %d", len(c.Train)+len(c.Validation), filepath.Base(c.Source), len(c.Validation), t.seq)
}

func (t *textTask) dataName() string { return "text-" + filepath.Base(t.corpus.Source) }

func (t *textTask) unit() string { return "chars" }

func (t *textTask) perExample() int { return t.seq }
