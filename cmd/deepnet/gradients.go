package main

import (
	"context"
	"encoding/json"
	"fmt"
	"image"
	"io"
	"math"
	"math/rand/v2"
	"os"
	"strconv"
	"strings"

	"github.com/deepnet-go/deepnet/data"
	"github.com/deepnet-go/deepnet/nn"
	"github.com/deepnet-go/deepnet/train"
	"github.com/deepnet-go/deepnet/viz"
)

// gradientRecord is what deepnet gradients measures for one network over
// a window of mini-batches of its training, as its --metrics file holds
// it: the mean of the norm of the cost's gradient with respect to each
// recurrent layer's hidden state at each time step, and with respect to
// each layer's biases (Nielsen's ‖δ^l‖, the speed at which layer l
// learns).
type gradientRecord struct {
	Spec string `json:"spec"`
	// Label names the record in a picture: its first recurrent layer, or
	// the whole spec.
	Label string `json:"-"`
	// From and To number the window's mini-batches (from 1, To included).
	From int `json:"from_batch"`
	To   int `json:"to_batch"`
	// States[k][l][t] is recurrent layer k's stacked layer l at step t.
	States [][][]float64 `json:"state_gradients,omitempty"`
	// Biases are the layers' bias gradients' norms, in layer order.
	Biases     []float64 `json:"bias_gradients"`
	BiasLayers []string  `json:"bias_layers"`
}

func runGradients(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	g, err := parseGradients(args, stderr)
	if err != nil {
		return err
	}
	if err := g.outs.check(); err != nil {
		return err
	}
	var recs []gradientRecord
	var d *data.Splits
	netCfg, cfg, p, err := g.settings()
	if err != nil {
		return err
	}
	for _, spec := range g.specs {
		if netCfg.Spec, err = nn.ParseSpec(spec); err != nil {
			return err
		}
		if d == nil {
			if d, err = g.loadData(p, stderr); err != nil {
				return err
			}
		}
		got, err := g.measure(ctx, netCfg, cfg, d)
		if err != nil {
			return fmt.Errorf("%s: %w", spec, err)
		}
		for _, rec := range got {
			printGradients(stdout, rec)
		}
		recs = append(recs, got...)
	}
	return g.write(recs, stdout)
}

// gradientsCmd is one run of deepnet gradients.
type gradientsCmd struct {
	*trainFlags
	outs         outputs
	at           *string
	windows      []int // the last mini-batch of each window
	plot, jsonTo *string
	specs        []string
}

func parseGradients(args []string, stderr io.Writer) (*gradientsCmd, error) {
	g := &gradientsCmd{trainFlags: newTrainFlags("gradients")}
	g.at = g.fs.String("at", "10", "measure over windows of mini-batches that end at these, e.g. 10,100,1000: the first 10, the 11th to the 100th, ...")
	g.plot = g.outs.file(g.fs, "plot", "draw log10 of the norms by time step (or by layer, for networks with no recurrent layer) into this PNG file")
	g.jsonTo = g.outs.stream(g.fs, "metrics", "write one JSON object per network to this file")
	g.fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: deepnet gradients [training flags] [--at N,...] [--plot FILE.png] SPEC...\n\n"+
			"Trains each network SPEC and prints, averaged over windows of its mini-batches, the norm\n"+
			"of the cost's gradient with respect to each recurrent layer's state at every time step,\n"+
			"and with respect to each layer's biases: how fast the gradient vanishes back through\n"+
			"time and layers, and how training changes it.")
		g.fs.PrintDefaults()
	}
	specs, err := parseFlagsAndArgs(g.fs, args, stderr)
	if err != nil {
		return nil, err
	}
	if len(specs) == 0 {
		return nil, fmt.Errorf("no network given (usage: deepnet gradients [flags] SPEC...)")
	}
	if given(g.fs, "net") {
		return nil, fmt.Errorf("give the networks as arguments, not --net")
	}
	g.specs = specs
	for _, f := range strings.Split(*g.at, ",") {
		k, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil || k < 1 || k > 1e7 || (len(g.windows) > 0 && k <= g.windows[len(g.windows)-1]) {
			return nil, fmt.Errorf("--at %q: want increasing mini-batch counts from 1, such as 10,100,1000", *g.at)
		}
		g.windows = append(g.windows, k)
	}
	return g, nil
}

// measure trains a new network, in an order drawn from the seed, up to
// the last window's end, and returns the mean norms of each window.
func (g *gradientsCmd) measure(ctx context.Context, netCfg nn.Config, cfg train.Config, d *data.Splits) ([]gradientRecord, error) {
	net, err := buildNetwork(netCfg, cfg)
	if err != nil {
		return nil, err
	}
	obj, err := train.NewClassification(net, d, cfg)
	if err != nil {
		return nil, err
	}
	t, err := train.NewTrainer(obj, cfg)
	if err != nil {
		return nil, err
	}
	var probes []nn.StateProbe
	label := netCfg.Spec.String()
	for _, l := range net.Layers {
		if p, ok := l.(nn.StateProbe); ok {
			p.RecordStateGradients(true)
			if probes == nil {
				label = l.Spec().String()
			}
			probes = append(probes, p)
		}
	}
	var recs []gradientRecord
	order := rand.New(rand.NewPCG(cfg.Seed, 1)).Perm(d.Train.N)
	from := 1
	for _, to := range g.windows {
		rec := gradientRecord{Spec: netCfg.Spec.String(), Label: label, From: from, To: to, States: make([][][]float64, len(probes))}
		w := 1 / float64(to-from+1)
		for k := from; k <= to; k++ {
			if err := ctx.Err(); err != nil {
				return recs, err
			}
			lo := ((k - 1) * cfg.Batch) % (d.Train.N - cfg.Batch + 1)
			t.Step(order[lo:lo+cfg.Batch], cfg.Eta)
			for i, p := range probes {
				rec.States[i] = addScaled(rec.States[i], p.StateGradients(), w)
			}
			rec.Biases, rec.BiasLayers = addBiasNorms(rec.Biases, net, w)
		}
		recs = append(recs, rec)
		from = to + 1
	}
	return recs, nil
}

// addScaled returns sum (allocated on first use) plus w·v.
func addScaled(sum, v [][]float64, w float64) [][]float64 {
	if sum == nil {
		sum = make([][]float64, len(v))
		for i := range v {
			sum[i] = make([]float64, len(v[i]))
		}
	}
	for i := range v {
		for t, x := range v[i] {
			sum[i][t] += w * x
		}
	}
	return sum
}

// addBiasNorms adds w times the norm of each bias gradient of net to sum.
func addBiasNorms(sum []float64, net *nn.Network, w float64) ([]float64, []string) {
	var names []string
	k := 0
	for _, p := range net.Params() {
		if p.Grad == nil || !strings.Contains(p.Name, "bias") {
			continue
		}
		var s float64
		for _, v := range p.Grad.Data {
			s += float64(v) * float64(v)
		}
		if k == len(sum) {
			sum = append(sum, 0)
		}
		sum[k] += w * math.Sqrt(s)
		names = append(names, p.Name)
		k++
	}
	return sum, names
}

// printGradients writes a record for people: the state gradients' norms
// at the first, middle and last step, and the bias gradients' norms.
func printGradients(w io.Writer, rec gradientRecord) {
	fmt.Fprintf(w, "network %s, mini-batches %d-%d\n", rec.Spec, rec.From, rec.To)
	for k, layer := range rec.States {
		for l, norms := range layer {
			t := len(norms)
			fmt.Fprintf(w, "  recurrent %d layer %d: ‖∂C/∂h_t‖ t=1 %.3g, t=%d %.3g, t=%d %.3g (first/last %.3g)\n",
				k+1, l+1, norms[0], t/2+1, norms[t/2], t, norms[t-1], norms[0]/norms[t-1])
		}
	}
	for i, name := range rec.BiasLayers {
		fmt.Fprintf(w, "  ‖∂C/∂b‖ %-18s %.3g\n", name, rec.Biases[i])
	}
}

// write writes the records to --metrics and their picture to --plot.
func (g *gradientsCmd) write(recs []gradientRecord, stdout io.Writer) error {
	if *g.jsonTo != "" {
		if err := makeParent(*g.jsonTo); err != nil {
			return err
		}
		f, err := os.Create(*g.jsonTo)
		if err != nil {
			return err
		}
		enc := json.NewEncoder(f)
		for _, r := range recs {
			enc.Encode(r)
		}
		if err := f.Close(); err != nil {
			return err
		}
	}
	return writePNG(stdout, *g.plot, func() image.Image {
		return viz.CurvesOver(gradientSeries(recs), "log10 of the gradient's norm", gradientAxis(recs))
	})
}

// gradientAxis is "time step" when a network has a recurrent layer, else
// "layer".
func gradientAxis(recs []gradientRecord) string {
	for _, r := range recs {
		if len(r.States) > 0 {
			return "time step"
		}
	}
	return "layer"
}

// gradientSeries are the curves: each network's first recurrent layer's
// first stacked layer by time step, or its bias gradients by layer.
func gradientSeries(recs []gradientRecord) []viz.Series {
	var series []viz.Series
	for _, r := range recs {
		y := r.Biases
		if len(r.States) > 0 {
			y = r.States[0][0]
		}
		logs := make([]float64, len(y))
		for i, v := range y {
			logs[i] = math.Log10(v)
		}
		series = append(series, viz.Series{Name: fmt.Sprintf("%s %d-%d", r.Label, r.From, r.To), Y: logs})
	}
	return series
}
