package train

import (
	"fmt"
	"github.com/deepnet-go/deepnet/data/augment"
	"sort"
	"strings"
)

// Preset is a named network and its training settings: one row of the
// chapter's results table, or deepnet's own.
type Preset struct {
	Name string
	// Spec is the architecture in nn.ParseSpec's text form.
	Spec        string
	Epochs      int
	Batch       int
	Eta, Lambda float64
	// Expanded trains on the training set with its four one-pixel shifts
	// (250,000 images), as network3's expand_mnist.py.
	Expanded bool
	// Book is Nielsen's test accuracy for the row (percent), 0 for deepnet's
	// own presets.
	Book float64
	// Init is the weight initialisation (nn.ParseInit; network3 when empty).
	Init string
	// Momentum is SGD's momentum (0 for the book's plain SGD).
	Momentum float64
	// Nesterov selects Nesterov momentum.
	Nesterov bool
	// Optimizer is Config.Optimizer ("" or "sgd": network3's SGD, with
	// Momentum and Nesterov).
	Optimizer string
	// ClipNorm is Config.ClipNorm (0: no gradient clipping).
	ClipNorm float64
	// LabelSmoothing is Config.LabelSmoothing (0: none).
	LabelSmoothing float64
	// Schedule is the learning-rate schedule (train.ParseSchedule).
	Schedule string
	// Augment distorts the training images afresh each epoch.
	Augment augment.Config
	// Average is Config.Average: the last epochs whose weights are
	// averaged (0: none).
	Average int
	// SelectLast is Config.SelectLast: the best epoch is chosen among the
	// last SelectLast epochs and the averaged weights (0: among all).
	SelectLast int
	// TTA is Config.Views, the test-time augmentation of the candidates'
	// evaluations, as augment.ParseViews reads it ("" or "none": the images
	// as they are).
	TTA string
	// Seq, when positive, makes the preset a character model of a text:
	// the network reads windows of Seq bytes (see package lm).
	Seq int
	// About is a one-line description.
	About string
	// Expect says what the preset reaches and how fast, for the CLI to print.
	Expect string
}

const (
	convSigmoid = "conv:20x5x5 maxpool:2 sigmoid"
	conv2Relu   = "conv:20x5x5 maxpool:2 relu conv:40x5x5 maxpool:2 relu"
)

// Presets lists the rows of the chapter's table (network3 semantics:
// conv→pool→activation, network3 initialisation, plain SGD, mini-batch 10).
var Presets = []Preset{
	{Name: "quick", Spec: conv2Relu + " fc:100:relu softmax:10", Epochs: 4, Batch: 10, Eta: 0.01, Lambda: 0.1,
		Init: "he", Momentum: 0.9, Schedule: "cosine",
		About:  "deepnet's default: the relu network with He initialisation, momentum 0.9 and a cosine schedule, 4 epochs",
		Expect: "about 99.2% test accuracy after 4 epochs (seed 1: 98.76% validation after epoch 2, 99.24% test at the end), about a minute on 2 cores"},
	{Name: "shallow", Spec: "fc:100:sigmoid softmax:10", Epochs: 60, Batch: 10, Eta: 0.1, Book: 97.80,
		About: "one hidden layer of 100 sigmoid neurons"},
	{Name: "conv1", Spec: convSigmoid + " fc:100:sigmoid softmax:10", Epochs: 60, Batch: 10, Eta: 0.1, Book: 98.78,
		About: "one conv-pool layer (20 maps) + 100 sigmoid neurons"},
	{Name: "conv2", Spec: convSigmoid + " conv:40x5x5 maxpool:2 sigmoid fc:100:sigmoid softmax:10", Epochs: 60, Batch: 10, Eta: 0.1, Book: 99.06,
		About: "two conv-pool layers (20, 40 maps) + 100 sigmoid neurons"},
	{Name: "relu", Spec: conv2Relu + " fc:100:relu softmax:10", Epochs: 60, Batch: 10, Eta: 0.03, Lambda: 0.1, Book: 99.23,
		About: "conv2 with rectified linear units and L2 regularisation"},
	{Name: "expanded", Spec: conv2Relu + " fc:100:relu softmax:10", Epochs: 60, Batch: 10, Eta: 0.03, Lambda: 0.1, Expanded: true, Book: 99.37,
		About: "relu on the training data expanded with one-pixel shifts"},
	{Name: "fc2", Spec: conv2Relu + " fc:100:relu fc:100:relu softmax:10", Epochs: 60, Batch: 10, Eta: 0.03, Lambda: 0.1, Expanded: true, Book: 99.43,
		About: "expanded + a second fully-connected layer"},
	{Name: "dropout", Spec: conv2Relu + " dropout:0.5:network3 fc:1000:relu dropout:0.5:network3 fc:1000:relu dropout:0.5:network3 softmax:10", Epochs: 40, Batch: 10, Eta: 0.03, Expanded: true, Book: 99.60,
		About: "two layers of 1000 ReLU units with dropout 0.5, on expanded data"},
	{Name: "best", Spec: "conv:32x3x3 batchnorm relu conv:32x3x3 batchnorm relu maxpool:2 conv:64x3x3 batchnorm relu conv:64x3x3 batchnorm relu maxpool:2 dropout:0.4 fc:256 batchnorm relu dropout:0.4 softmax:10",
		Epochs: 60, Batch: 64, Eta: 0.05, Lambda: 0.4, Init: "he", Momentum: 0.9, Nesterov: true, Schedule: "cosine",
		Augment: augment.Config{MaxShift: 2, MaxRotate: 10, MaxScale: 0.1}, Average: 10, SelectLast: 10,
		About:  "beyond the book: four 3×3 conv layers with batch normalisation, dropout, random shifts, rotations and zooms, Nesterov momentum, cosine schedule, the mean of the last 10 epochs' weights",
		Expect: "seed 1: 99.68% test for the mean of the last 10 epochs' weights, which validation selects (99.69%); 67 minutes on one core beside another training"},
	{Name: "lstm", Spec: "rows lstm:128 softmax:10", Epochs: 30, Batch: 64, Eta: 0.001, Optimizer: "adam", Init: "pytorch", Schedule: "cosine",
		Augment: augment.Config{MaxShift: 2, MaxRotate: 10, MaxScale: 0.1}, Average: 5, SelectLast: 5,
		About:  "beyond the chapter: sequential MNIST, each image read row by row by 128 LSTM units (the PyTorch peer's network), random shifts, rotations and zooms, Adam on a cosine schedule, the mean of the last 5 epochs' weights",
		Expect: "seed 1: 99.26% validation at epoch 30, 99.14% test; seed 2: 99.25% at epoch 29, 99.26% test; 9 minutes on one core"},
	{Name: "gru", Spec: "rows gru:128 softmax:10", Epochs: 30, Batch: 64, Eta: 0.001, Optimizer: "adam", Init: "pytorch", Schedule: "cosine", Average: 5, SelectLast: 5,
		About:  "sequential MNIST with 128 GRU units, lstm's recipe without the distortions",
		Expect: "seed 1: 98.90% validation at epoch 30, 98.89% test; 7 minutes on 2 cores beside other work"},
	{Name: "rnn", Spec: "rows rnn:128 softmax:10", Epochs: 30, Batch: 64, Eta: 0.001, Optimizer: "adam", Init: "pytorch", Schedule: "cosine", Average: 5, SelectLast: 5,
		About:  "sequential MNIST with 128 plain tanh recurrent units, lstm's recipe without the distortions",
		Expect: "seed 1: 97.74% validation for the mean of epochs 26-30, 97.66% test; 2 minutes on 2 cores"},
	{Name: "charlm", Spec: "embed:256x256 lstm:256x2:seq softmax:256", Epochs: 3, Batch: 32, Eta: 0.002, Optimizer: "adam", ClipNorm: 5, Seq: 100, Init: "pytorch",
		About:  "a character model of a text (--text FILE): two LSTM layers of 256 units over windows of 100 bytes, 32 rows, Adam, gradients clipped to norm 5, PyTorch's initialisation (the PyTorch peer's)",
		Expect: "on Debian's fortunes (2.6 MB): 2.484 bits per character on validation after 3 epochs, 8 minutes on 2 cores beside other work"},
}

// LookupPreset returns the preset called name; the error lists the valid
// names.
func LookupPreset(name string) (Preset, error) {
	for _, p := range Presets {
		if p.Name == name {
			return p, nil
		}
	}
	var names []string
	for _, p := range Presets {
		names = append(names, p.Name)
	}
	sort.Strings(names)
	return Preset{}, fmt.Errorf("unknown preset %q (valid: %s)", name, strings.Join(names, ", "))
}
