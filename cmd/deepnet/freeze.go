package main

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/deepnet-go/deepnet/nn"
)

// resolveLayers reads the value s of --freeze or --fresh (flag) against
// net, whose layers pretrained started from saved weights: one entry per
// layer, set for those it names. Each comma-separated item is a layer
// number (from 0), a range LO-HI, a kind name (every layer of that kind),
// or "pretrained"; an item that matches no layer is an error that names
// it.
func resolveLayers(flag, s string, net *nn.Network, pretrained []int) ([]bool, error) {
	n := len(net.Layers)
	frozen := make([]bool, n)
	for _, item := range strings.Split(s, ",") {
		item = strings.TrimSpace(item)
		matched, err := freezeItem(item, net, pretrained)
		if err != nil {
			return nil, fmt.Errorf("--%s %s: %v", flag, s, err)
		}
		for _, i := range matched {
			frozen[i] = true
		}
	}
	return frozen, nil
}

// freezeItem returns the layers one item of --freeze names.
func freezeItem(item string, net *nn.Network, pretrained []int) ([]int, error) {
	n := len(net.Layers)
	last := fmt.Sprintf("the network's %d layers are numbered 0 to %d", n, n-1)
	if item == "pretrained" {
		if len(pretrained) == 0 {
			return nil, fmt.Errorf("pretrained: no layer was loaded from --from or --init-from")
		}
		return pretrained, nil
	}
	if lo, hi, isRange := strings.Cut(item, "-"); item != "" && strings.Trim(item, "0123456789-") == "" {
		a, err1 := strconv.Atoi(lo)
		b, err2 := a, error(nil)
		if isRange {
			b, err2 = strconv.Atoi(hi)
		}
		switch {
		case err1 != nil || err2 != nil || b < a:
			return nil, fmt.Errorf("%q is not a layer number or a range LO-HI", item)
		case a < 0 || b >= n:
			return nil, fmt.Errorf("%s matches no layer: %s", item, last)
		}
		var out []int
		for i := a; i <= b; i++ {
			out = append(out, i)
		}
		return out, nil
	}
	if _, ok := nn.LookupKind(item); !ok {
		return nil, fmt.Errorf("%q is not a layer number, a range, a kind of layer or pretrained", item)
	}
	var out []int
	for i, l := range net.Layers {
		if l.Spec().Kind() == item {
			out = append(out, i)
		}
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("%s matches no layer of %q", item, net.Spec)
	}
	return out, nil
}

// formatLayers writes layers of net for people: "0 conv:20x5x5, 1
// maxpool:2, 6 fc:100".
func formatLayers(net *nn.Network, layers []int) string {
	parts := make([]string, len(layers))
	for k, i := range layers {
		parts[k] = fmt.Sprintf("%d %s", i, net.Layers[i].Spec())
	}
	return strings.Join(parts, ", ")
}

// formatIndices writes layer numbers as a checkpoint keeps them: "0,3,6".
func formatIndices(layers []int) string {
	parts := make([]string, len(layers))
	for k, i := range layers {
		parts[k] = strconv.Itoa(i)
	}
	return strings.Join(parts, ",")
}

// layersOf returns the layers (by their tensors' numbers, in order) of
// the parameters ps of net.
func layersOf(net *nn.Network, ps []*nn.Param) []int {
	var out []int
	for i, l := range net.Layers {
		for _, p := range l.Params() {
			if slices.Contains(ps, p) && !slices.Contains(out, i) {
				out = append(out, i)
			}
		}
	}
	return out
}
