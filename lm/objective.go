package lm

import (
	"fmt"
	"math"

	"github.com/deepnet-go/deepnet/data/text"
	"github.com/deepnet-go/deepnet/model"
	"github.com/deepnet-go/deepnet/nn"
	"github.com/deepnet-go/deepnet/train"
)

// Objective is next-byte prediction on a text (see the package comment).
type Objective struct {
	net        *nn.Network
	batch, seq int
	trainRows  stream
	valRows    stream
	x          []float32 // a window's tokens [Seq][Batch]
	labels     []int     // the next bytes [Seq][Batch]
}

// stream is a text cut into rows of consecutive bytes: row b is
// text[b·len : (b+1)·len].
type stream struct {
	text      []byte
	rows, len int
	windows   int // of seq steps, each with the byte after it
}

func newStream(t []byte, rows, seq int) stream {
	s := stream{text: t, rows: rows, len: len(t) / rows}
	s.windows = max(s.len-1, 0) / seq
	return s
}

// NewObjective prepares training net, a character model (CheckModel)
// built for windows of net.In.T steps and batches of cfg.Batch rows, on
// c. The error says what does not fit: a text too short for one window
// of every row.
func NewObjective(net *nn.Network, c *text.Corpus, cfg train.Config) (*Objective, error) {
	if err := CheckModel(net); err != nil {
		return nil, err
	}
	b, seq := cfg.Batch, net.In.T
	if b < 1 || b > net.MaxBatch {
		return nil, fmt.Errorf("lm: %d rows a batch, want 1..%d (the network's MaxBatch)", b, net.MaxBatch)
	}
	o := &Objective{net: net, batch: b, seq: seq, trainRows: newStream(c.Train, b, seq),
		x: make([]float32, seq*b), labels: make([]int, seq*b)}
	if o.trainRows.windows < 1 {
		return nil, fmt.Errorf("lm: %s: the training text, %d bytes, is too short for %d rows of %d+1 bytes", c.Source, len(c.Train), b, seq)
	}
	rows := min(b, len(c.Validation)/(seq+1))
	if rows < 1 {
		return nil, fmt.Errorf("lm: %s: the validation text, %d bytes (the last tenth), is too short for a window of %d+1 bytes", c.Source, len(c.Validation), seq)
	}
	o.valRows = newStream(c.Validation, rows, seq)
	net.SetCarry(true)
	return o, nil
}

// Network returns the network being trained.
func (o *Objective) Network() *nn.Network { return o.net }

// Params returns the network's parameters.
func (o *Objective) Params() []*nn.Param { return o.net.Params() }

// Examples returns windows × rows: example w·Batch+b is row b's window w.
func (o *Objective) Examples() int { return o.trainRows.windows * o.batch }

// MaxBatch returns the rows of a batch.
func (o *Objective) MaxBatch() int { return o.batch }

// InOrder reports that the windows are read in order (train.Ordered).
func (o *Objective) InOrder() bool { return true }

// Metric is bits per character, lower is better, with no test text.
func (o *Objective) Metric() train.Metric {
	return train.Metric{Name: "bits_per_char", LowerIsBetter: true, NoTest: true}
}

// StartEpoch starts the rows from a zero state.
func (o *Objective) StartEpoch(int) { o.net.ResetState() }

// Step trains on one window of every row: idx are the examples
// w·Batch..w·Batch+Batch-1 of window w.
func (o *Objective) Step(idx []int, update func([]*nn.Param)) float64 {
	if len(idx) != o.batch || idx[0]%o.batch != 0 {
		panic(fmt.Sprintf("lm: Step: examples %d.. (%d) are not one window of %d rows", idx[0], len(idx), o.batch))
	}
	w := idx[0] / o.batch
	if w == 0 {
		o.net.ResetState()
	}
	o.window(o.trainRows, w, o.batch)
	o.net.Forward(o.x, o.batch, true)
	return o.net.BackwardLabels(o.labels, 0, update)
}

// window sets x and labels to window w of the first rows rows of s.
func (o *Objective) window(s stream, w, rows int) {
	for t := range o.seq {
		for b := range rows {
			at := b*s.len + w*o.seq + t
			o.x[t*rows+b] = float32(s.text[at])
			o.labels[t*rows+b] = int(s.text[at+1])
		}
	}
}

// Measure returns the validation text's bits per character, read window
// by window in rows from a zero state (the network's state is reset
// after).
func (o *Objective) Measure(bool) train.Score {
	s, rows := o.valRows, o.valRows.rows
	o.net.ResetState()
	var nats float64
	for w := range s.windows {
		o.window(s, w, rows)
		p := o.net.Forward(o.x, rows, false)
		for i, lab := range o.labels[:o.seq*rows] {
			nats -= math.Log(math.Max(float64(p[i*Vocab+lab]), 1e-30))
		}
	}
	o.net.ResetState()
	chars := float64(s.windows * o.seq * rows)
	return train.Score{Validation: nats / chars / math.Ln2}
}

// Recalibrate does nothing: a character model keeps no statistics.
func (o *Objective) Recalibrate() {}

// Encode returns the network's model file (train.EncodeNetwork).
func (o *Objective) Encode(info model.Info) (*model.File, error) {
	return train.EncodeNetwork(o.net, info)
}
