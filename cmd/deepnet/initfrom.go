package main

import (
	"fmt"

	"github.com/deepnet-go/deepnet/nn"
	"github.com/deepnet-go/deepnet/rbm"
	"github.com/deepnet-go/deepnet/tensor"
)

// Fine-tuning a deep belief net is a classification run of deepnet train
// whose network starts from the DBN's weights (--init-from), so that
// every training setting, checkpoints, --resume, records and model files
// are train's; and a semi-supervised run trains on a few labelled images
// of each class (--labels-per-class, classes.go), the DBN having learned
// from all of them without their labels.

// useDBN loads the DBN of --init-from, if given, checks that it reads
// the network's input cfg.In, and makes its network (rbm.DBN.NetworkSpec)
// the one to train unless --net gives another.
func (c *trainCmd) useDBN(cfg *nn.Config) error {
	path := *c.initFrom
	if path == "" {
		return nil
	}
	d, _, err := rbm.LoadDBN(path)
	if err != nil {
		return err
	}
	switch {
	case d.Trained < len(d.RBMs):
		return fmt.Errorf("--init-from %s: %d of the DBN's %d RBMs are trained (a stopped run's state); finish it with deepnet dbn --resume DIR", path, d.Trained, len(d.RBMs))
	case d.In != cfg.In:
		return fmt.Errorf("--init-from %s: the DBN reads inputs of %s, the network %s", path, d.In, cfg.In)
	}
	if !c.given("net") {
		spec, err := nn.ParseSpec(d.NetworkSpec(max(d.Labels, 10)))
		if err != nil {
			return err
		}
		cfg.Spec = spec
	}
	c.dbn = d
	what := "and its labels' weights"
	if d.Labels == 0 {
		what = "(no labels: the softmax layer as --init says)"
	}
	c.initLine = fmt.Sprintf("init     the weights of the %d RBMs of the DBN %s, %s", len(d.RBMs), path, what)
	return nil
}

// initWeights gives net the DBN's weights (rbm.DBN.Network's): each
// fully-connected layer an RBM's recognition weights and hidden biases,
// the softmax layer the top RBM's label weights when it has labels (else
// it keeps its initialisation). The network's parameters must be, in
// order, those of the DBN's network, with no others: its spec may add
// dropout, not layers with weights. Nothing is done when resuming (the
// checkpoint holds the weights) or without --init-from.
func (c *trainCmd) initWeights(net *nn.Network) error {
	if c.dbn == nil || c.checkpointFile != nil {
		return nil
	}
	src, err := c.dbn.Network(1, net.Classes(), memoryLimit)
	if err != nil {
		return fmt.Errorf("--init-from %s: %w", *c.initFrom, err)
	}
	sp, dp := src.Params(), net.Params()
	same := len(sp) == len(dp)
	for i := 0; same && i < len(sp); i++ {
		same = tensor.SameShape(sp[i].Value.Shape, dp[i].Value.Shape)
	}
	if !same {
		return fmt.Errorf("--init-from %s: the DBN's weights fit the network %q, not %q: its weighted layers must be the DBN's, of the same sizes, in order (dropout may be added)", *c.initFrom, src.Spec, net.Spec)
	}
	n := len(sp)
	if c.dbn.Labels == 0 {
		n -= 2
	}
	for i := range n {
		copy(dp[i].Value.Data, sp[i].Value.Data)
	}
	c.pretrained = layersOf(net, dp[:n])
	return nil
}
