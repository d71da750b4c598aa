package main

import (
	"errors"
	"fmt"

	"github.com/deepnet-go/deepnet/data"
	"github.com/deepnet-go/deepnet/data/mnist"
	"github.com/deepnet-go/deepnet/model"
	"github.com/deepnet-go/deepnet/nn"
	"github.com/deepnet-go/deepnet/rbm"
	"github.com/deepnet-go/deepnet/train"
)

// hints are what the CLI adds to the library's errors: the library says
// what happened, in its own terms; the hint says which flag to change.
// Each is tried in order; the first whose error matches adds its text.
var hints = []struct {
	match func(error) bool
	text  string
}{
	{func(err error) bool { return errors.As(err, new(*train.DivergedError)) }, "try a smaller learning rate (--eta)"},
	{func(err error) bool { return errors.As(err, new(*mnist.LocateError)) }, "deepnet takes that directory as --data DIR"},
	{func(err error) bool { return errors.As(err, new(*nn.MemoryError)) }, "a smaller network or --batch, or a larger --max-memory"},
	{func(err error) bool { return errors.As(err, new(*data.SizeError)) }, "a larger --max-memory, if the data are what you meant"},
	{func(err error) bool { return errors.As(err, new(*data.LabelError)) }, "the network's last layer must have a class for every label"},
	{func(err error) bool { return errors.As(err, new(*train.GroupBatchError)) }, "give a --batch of at least the number of processes (mpirun -np)"},
	{kinds(model.KindNetwork, ""), "deepnet generate draws RBM and DBN files, deepnet loglik measures an RBM's, and deepnet train --init-from fine-tunes the network a DBN initialises"},
	{kinds("", model.KindNetwork), "a network's file is for deepnet eval, predict and viz; deepnet rbm --out writes RBMs and deepnet dbn --out DBNs"},
	{kinds(rbm.KindDBN, rbm.KindRBM), "--init-from takes a deep belief net (deepnet dbn --out); deepnet generate draws an RBM"},
	{kinds(rbm.KindRBM, rbm.KindDBN), "deepnet loglik measures an RBM (deepnet rbm --out); deepnet generate draws a DBN"},
}

// kinds matches a *model.KindError of a reader that wanted want and found
// found ("" for any).
func kinds(want, found string) func(error) bool {
	return func(err error) bool {
		var ke *model.KindError
		return errors.As(err, &ke) && (want == "" || ke.Want == want) && (found == "" || ke.Kind == found)
	}
}

// withHint returns err with the hint that matches it, if any.
func withHint(err error) error {
	if err == nil {
		return nil
	}
	for _, h := range hints {
		if h.match(err) {
			return fmt.Errorf("%w; %s", err, h.text)
		}
	}
	return err
}
