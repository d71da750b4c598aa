// Package lm trains and samples character-level language models: networks
// that read a text one byte at a time and give, at every step, the
// probabilities of the next byte ("embed:256x256 lstm:256x2:seq
// softmax:256").
//
// Training (NewObjective, a train.Objective) reads the text as the
// PyTorch peer does: the training bytes are cut into Batch rows of
// consecutive text, and each mini-batch is the next window of Seq steps of
// every row, the recurrent state carried from one window to the next
// (truncated backpropagation through time); an epoch reads every window
// once, in order, from a zero state. The cost is the mean cross-entropy
// of the next byte, in nats; the score is the validation text's, in bits
// per character (lower is better), read the same way in Batch rows.
//
// Sample generates text from a trained network one byte at a time,
// feeding each byte drawn back in.
package lm

import (
	"fmt"

	"github.com/deepnet-go/deepnet/nn"
)

// Vocab is the number of tokens: bytes.
const Vocab = 256

// CheckModel reports an error unless net is a character model: it reads
// sequences of single tokens and gives a distribution over Vocab bytes at
// every step.
func CheckModel(net *nn.Network) error {
	in, out := net.In, net.OutShape()
	if in.T < 1 || in.Step() != 1 || out.T != in.T || net.Classes() != Vocab {
		return fmt.Errorf("lm: the network %q takes %s and gives %s: not a character model (it must read sequences of bytes and give a distribution over %d bytes at every step, such as \"embed:256x256 lstm:256x2:seq softmax:256\")",
			net.Spec, in, out, Vocab)
	}
	return nil
}
