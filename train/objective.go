package train

import (
	"encoding/hex"
	"fmt"
	"strconv"

	"github.com/deepnet-go/deepnet/model"
	"github.com/deepnet-go/deepnet/nn"
)

// Objective is what Fit trains and how it measures it. The loop is Fit's:
// the order of the examples, mini-batches, the optimiser and its
// schedule, records, selection of the best epoch, weight averaging,
// checkpoints, resumption, early stopping and hooks. An objective supplies
// the rest: the parameters, the cost of a mini-batch and its gradients,
// and the scores of held-out data. Classification (NewClassifier) is one;
// any other (a reconstruction, next-character prediction, contrastive
// divergence) is another implementation of this interface, not a copy of
// the loop.
type Objective interface {
	// Params returns the tensors the run trains, in a fixed order, and
	// the buffers that go with them (nil Grad): the optimiser updates the
	// trained ones, averaging means them, checkpoints and KeepBest keep
	// them all.
	Params() []*nn.Param
	// Examples returns the number of training examples; every epoch
	// visits them in an order drawn from the seed, in mini-batches.
	Examples() int
	// MaxBatch returns the largest mini-batch Step takes.
	MaxBatch() int
	// StartEpoch is called before an epoch's first Step, with the epoch's
	// number (from 0), so that randomness of the objective's own (image
	// distortions) can be drawn from the seed and the epoch.
	StartEpoch(epoch int)
	// Step trains on the training examples idx: it returns their mean
	// cost and writes every trained parameter's gradient, calling update
	// with each group of parameters as soon as their gradients are final
	// (see nn.Network.BackwardFrom). update is nil when the trainer needs
	// every gradient before it updates any (gradient clipping): Step then
	// only writes them. It must not allocate.
	Step(idx []int, update func([]*nn.Param)) float64
	// Measure scores the parameters as they are on validation and test
	// data: higher is better (accuracy, for classification). candidate
	// says whether the record may be selected as the run's result; an
	// objective may measure candidates more carefully (through test-time
	// views) and says so in Score.Views.
	Measure(candidate bool) Score
	// Recalibrate recomputes what depends on the parameters beyond them
	// (batch normalisation's running statistics), after averaging replaced
	// them.
	Recalibrate()
	// Encode returns the model file of the objective's model, with info,
	// for a checkpoint: its tensors alias the parameters, and its
	// metadata holds any state beyond them that a resumed run needs.
	Encode(info model.Info) (*model.File, error)
}

// Restorer is implemented by objectives that keep state beyond their
// parameters which the reader of a checkpoint cannot put back itself,
// because it lives in the objective rather than in the model it rebuilds
// (the persistent Markov chains of contrastive divergence). Fit, when it
// resumes a run (Config.Resume), calls Restore with the checkpoint's file,
// which the objective's Encode wrote, after the loop's own state is back
// and before the first epoch; an error stops the run.
type Restorer interface {
	Restore(f *model.File) error
}

// Score is a measurement of the parameters on held-out data.
type Score struct {
	// Validation and Test are the scores of the two held-out sets (higher
	// is better).
	Validation, Test float64
	// Views is the number of views each example was seen through (0: as
	// it is).
	Views int
}

// ckptLayerState prefixes the metadata keys that hold the state of a
// network's stateful layers (nn.Stateful) in a checkpoint, followed by the
// layer's index.
const ckptLayerState = "checkpoint.layer_state."

// EncodeNetwork is the Encode of objectives that train an nn.Network: its
// model file, with every stateful layer's state (nn.Stateful) in the
// metadata, which ReadCheckpoint puts back.
func EncodeNetwork(net *nn.Network, info model.Info) (*model.File, error) {
	f, err := model.Encode(net, info)
	if err != nil {
		return nil, err
	}
	for i, l := range net.Layers {
		if s, ok := l.(nn.Stateful); ok {
			state, err := s.MarshalState()
			if err != nil {
				return nil, fmt.Errorf("layer %d %s: %v", i+1, l.Spec(), err)
			}
			f.Metadata[ckptLayerState+strconv.Itoa(i)] = hex.EncodeToString(state)
		}
	}
	return f, nil
}

// RestoreNetwork puts the layers' states that EncodeNetwork saved in f
// back into net.
func RestoreNetwork(net *nn.Network, f *model.File) error {
	for i, l := range net.Layers {
		s, ok := l.(nn.Stateful)
		if !ok {
			continue
		}
		text, ok := f.Metadata[ckptLayerState+strconv.Itoa(i)]
		if !ok {
			return fmt.Errorf("no state for layer %d %s", i+1, l.Spec())
		}
		state, err := hex.DecodeString(text)
		if err == nil {
			err = s.UnmarshalState(state)
		}
		if err != nil {
			return fmt.Errorf("state of layer %d %s: %v", i+1, l.Spec(), err)
		}
	}
	return nil
}
