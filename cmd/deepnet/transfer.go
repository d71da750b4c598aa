package main

import (
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/deepnet-go/deepnet/model"
	"github.com/deepnet-go/deepnet/nn"
	"github.com/deepnet-go/deepnet/train"
)

// Fine-tuning and transfer (--from, --freeze, --eta-pretrained): a run of
// deepnet train whose network starts from a saved one. Without --net the
// network is the saved one's, its softmax layer replaced by a fresh one
// when the number of classes differs (--classes, or the data's labels);
// with --net the layers are matched by position, kind and shape, and
// every layer that does not match is said in a line of its own. The
// library does the work: nn.CopyMatching, nn.Network.SetFrozen and
// train.Config.Rates.

// freshUsage documents --fresh.
const freshUsage = "with --from: leave these layers as initialised, not loaded, even where they fit (such as a softmax layer of the same size for other classes); the same list as --freeze takes, without pretrained"

// freezeUsage documents --freeze.
const freezeUsage = "freeze these layers: they keep their weights (and batch normalisation its running statistics) and cost no gradient work; a comma-separated list of layer numbers counted from 0 as the model file's tensor names count them (3), ranges (0-3), kinds (conv, fc, batchnorm, lstm, gru, rnn, embed, softmax: every layer of that kind) and pretrained (every layer --from or --init-from loaded); each must match a layer of the network"

// pretrainedKey is the checkpoint's record of the layers that started
// from saved weights, which a resumed run's --eta-pretrained and --freeze
// pretrained need without loading --from again.
const pretrainedKey = "pretrained"

// checkTransfer reports flags of fine-tuning that cannot go together, or
// values that cannot be meant, before anything is loaded.
func (c *trainCmd) checkTransfer() error {
	switch {
	case *c.from != "" && *c.initFrom != "":
		return errors.New("--from and --init-from both start the network from saved weights: give one of them")
	case c.given("eta-pretrained") && !(*c.etaPretrained > 0 && *c.etaPretrained < 1e300):
		return fmt.Errorf("--eta-pretrained %g: want a learning rate η > 0", *c.etaPretrained)
	case c.given("eta-pretrained") && *c.from == "" && *c.initFrom == "":
		return errors.New("--eta-pretrained is the learning rate of the layers --from or --init-from loads: give one of them")
	case c.given("freeze") && *c.freeze == "":
		return fmt.Errorf(`--freeze "": want layers such as 0-3, conv or pretrained`)
	case *c.fresh != "" && *c.from == "":
		return errors.New("--fresh names layers --from is not to load: give --from")
	case c.noValidation && c.patience > 0:
		return errors.New("--patience stops on validation, and --no-validation has none: leave one out")
	case c.noValidation && c.given("select-last") && c.selectLast > 0:
		return fmt.Errorf("--select-last %d selects on validation, and --no-validation has none: leave one out", c.selectLast)
	}
	return nil
}

// final makes cfg train a final model with --no-validation: no
// selection (train.Config.Final), the preset's --select-last dropped.
func (c *trainCmd) final(cfg *train.Config) {
	if c.noValidation {
		cfg.Final, cfg.KeepBest, cfg.SelectLast = true, false, 0
	}
}

// useFrom, with --from, makes cfg's network the saved one's (unless --net
// gives one) and loads it to copy from; on resume the checkpoint holds the
// network and the weights. With --classes it gives the network a softmax
// layer of k classes (a preset's or --from's) or checks --net's. k is the
// number of classes (0: not a classifier of images).
func (c *trainCmd) useFrom(cfg *nn.Config, k int) error {
	replace := !c.given("net")
	switch {
	case *c.from != "" && c.checkpointFile != nil:
		if replace {
			s, err := nn.ParseSpec(c.checkpointFile.Metadata["spec"])
			if err != nil {
				return fmt.Errorf("checkpoint %s: %w", c.resumeFrom, err)
			}
			cfg.Spec = s
		}
		return nil
	case *c.from != "":
		src, _, err := model.LoadWith(*c.from, model.Options{MaxBatch: 1, MaxMemory: memoryLimit})
		if err != nil {
			return fmt.Errorf("--from: %w", err)
		}
		if src.In != cfg.In {
			return fmt.Errorf("--from %s: the model reads inputs of %s, the data are %s", *c.from, src.In, cfg.In)
		}
		c.src = src
		if replace {
			cfg.Spec = slices.Clone(src.Spec)
		}
		if k == 0 {
			return nil
		}
		return c.fitHead(cfg, k, replace)
	case c.given("classes") && k > 0:
		return c.fitHead(cfg, k, replace)
	}
	return nil
}

// fitHead makes the softmax layer that ends cfg's network one of k
// classes: a new one when replace is set, else an error that says so.
func (c *trainCmd) fitHead(cfg *nn.Config, k int, replace bool) error {
	last := len(cfg.Spec) - 1
	head, ok := cfg.Spec[last].(nn.SoftmaxSpec)
	if !ok || head.Classes == k {
		return nil
	}
	if !replace {
		return fmt.Errorf("--net ends in %s, and the data have %d classes%s: end it with softmax:%d", head, k, c.classesSaid(), k)
	}
	cfg.Spec = slices.Clone(cfg.Spec)
	cfg.Spec[last] = nn.SoftmaxSpec{Classes: k}
	c.transferLines = append(c.transferLines, fmt.Sprintf("head     softmax:%d for the %d classes%s, freshly initialised (the network's was %s)", k, k, c.classesSaid(), head))
	return nil
}

// classesSaid names --classes, when given, for messages.
func (c *trainCmd) classesSaid() string {
	if c.classes == "" {
		return ""
	}
	return " of --classes " + c.classes
}

// transfer loads --from's weights into net (those of every layer that
// fits; a fresh run), then freezes the layers of --freeze and gives the
// pre-trained layers the learning rate of --eta-pretrained (cfg.Rates).
func (c *trainCmd) transfer(net *nn.Network, cfg *train.Config) error {
	if c.src != nil && c.checkpointFile == nil {
		copied, err := c.copyFrom(net)
		var me *nn.MismatchError
		if err != nil && !errors.As(err, &me) {
			return err
		}
		if len(copied) == 0 {
			return fmt.Errorf("--from %s: no layer of the model fits the network %q (or --fresh leaves none): %v", *c.from, net.Spec, err)
		}
		c.pretrained = copied
		c.transferLines = append(c.transferLines, fmt.Sprintf("from     %s: the weights of layers %s", *c.from, formatLayers(net, copied)))
		if me != nil {
			for _, m := range me.Layers {
				c.transferLines = append(c.transferLines, "         not loaded: "+m.String())
			}
		}
	}
	if c.checkpointFile != nil {
		if err := c.savedPretrained(); err != nil {
			return err
		}
	}
	if *c.freeze != "" {
		frozen, err := resolveLayers("freeze", *c.freeze, net, c.pretrained)
		if err != nil {
			return err
		}
		net.SetFrozen(frozen)
		var which []int
		trained := false
		for i, f := range frozen {
			if f {
				which = append(which, i)
			}
			trained = trained || net.Trained(i)
		}
		if !trained {
			return fmt.Errorf("--freeze %s freezes every layer with weights: nothing would train", *c.freeze)
		}
		c.transferLines = append(c.transferLines, fmt.Sprintf("frozen   layers %s: not trained", formatLayers(net, which)))
	}
	return c.pretrainedRate(net, cfg)
}

// copyFrom copies --from's weights into net (nn.CopyMatching), but for
// the layers of --fresh, which keep their initialisation; it returns the
// layers copied and CopyMatching's error.
func (c *trainCmd) copyFrom(net *nn.Network) ([]int, error) {
	if *c.fresh == "" {
		return nn.CopyMatching(net, c.src)
	}
	fresh, err := resolveLayers("fresh", *c.fresh, net, nil)
	if err != nil {
		return nil, err
	}
	var kept [][]float32
	for i, l := range net.Layers {
		for _, p := range l.Params() {
			if fresh[i] {
				kept = append(kept, slices.Clone(p.Value.Data))
			}
		}
	}
	copied, cerr := nn.CopyMatching(net, c.src)
	k := 0
	var which []int
	for i, l := range net.Layers {
		if !fresh[i] {
			continue
		}
		which = append(which, i)
		for _, p := range l.Params() {
			copy(p.Value.Data, kept[k])
			k++
		}
	}
	copied = slices.DeleteFunc(copied, func(i int) bool { return fresh[i] })
	c.transferLines = append(c.transferLines, fmt.Sprintf("fresh    layers %s: initialised, not loaded (--fresh)", formatLayers(net, which)))
	return copied, cerr
}

// pretrainedRate sets cfg.Rates for --eta-pretrained: the pre-trained
// layers' parameters train at that rate (on the run's schedule), the
// others at --eta.
func (c *trainCmd) pretrainedRate(net *nn.Network, cfg *train.Config) error {
	if !c.given("eta-pretrained") {
		return nil
	}
	cfg.Rates = map[*nn.Param]float64{}
	for _, i := range c.pretrained {
		for _, p := range net.Layers[i].Params() {
			if p.Grad != nil {
				cfg.Rates[p] = *c.etaPretrained / cfg.Eta
			}
		}
	}
	c.transferLines = append(c.transferLines, fmt.Sprintf("η        %g for the pre-trained layers %s, %g for the others", *c.etaPretrained, formatLayers(net, c.pretrained), cfg.Eta))
	return nil
}

// savedPretrained reads the pre-trained layers of the run resumed from its
// checkpoint.
func (c *trainCmd) savedPretrained() error {
	info, err := model.DecodeInfo(c.checkpointFile)
	if err != nil {
		return err
	}
	c.pretrained = nil
	for s := range strings.SplitSeq(info.Extra[pretrainedKey], ",") {
		if s == "" {
			continue
		}
		i, err := strconv.Atoi(s)
		if err != nil {
			return fmt.Errorf("checkpoint %s: pre-trained layer %q", c.resumeFrom, s)
		}
		c.pretrained = append(c.pretrained, i)
	}
	return nil
}
