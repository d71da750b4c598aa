package main

import (
	"context"
	"flag"
	"fmt"
	"image"
	"io"
	"os"
	"path/filepath"
	"strconv"

	"github.com/deepnet-go/deepnet/data"
	"github.com/deepnet-go/deepnet/model"
	"github.com/deepnet-go/deepnet/rbm"
	"github.com/deepnet-go/deepnet/viz"
)

func runGenerate(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	g, err := parseGenerate(args, stderr)
	if err != nil {
		return err
	}
	if err := g.outs.check(); err != nil {
		return err
	}
	m, err := loadGenerative(*g.model)
	if err != nil {
		return err
	}
	if err := g.checkLabel(m); err != nil {
		return err
	}
	d, err := loadMNIST(*g.dataDir, stderr)
	if err != nil {
		return err
	}
	if v := m.bottom().Visible; v != 784 || d.Test.Pixels() != 784 {
		return fmt.Errorf("%s: the model reads %d pixels, and the test images have %d×%d: generate draws 28×28 digits", *g.model, v, d.Test.Rows, d.Test.Cols)
	}
	if err := os.MkdirAll(*g.out, 0o755); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "model    %s: %s\n", *g.model, m)
	for _, p := range []struct {
		name string
		draw func() []*image.RGBA
	}{{"filters.png", g.filters(m)}, {"samples.png", g.samples(m)}, {"chain.gif", g.chain(m)}, {"reconstructions.png", g.reconstructions(m, d.Test)}} {
		if err := ctx.Err(); err != nil {
			return err
		}
		path := filepath.Join(*g.out, p.name)
		var err error
		if frames := p.draw(); len(frames) > 1 {
			err = viz.WriteGIF(path, frames, 8)
		} else {
			err = viz.WritePNG(path, frames[0])
		}
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "wrote    %s\n", path)
	}
	return nil
}

// generateCmd is one run of deepnet generate.
type generateCmd struct {
	fs                              *flag.FlagSet
	outs                            outputs
	model, out, dataDir             *string
	seed                            *uint64
	label, perLabel, sweeps, frames int
}

func parseGenerate(args []string, stderr io.Writer) (*generateCmd, error) {
	g := &generateCmd{fs: newFlagSet("generate")}
	fs := g.fs
	g.model, g.dataDir, g.seed = modelFlag(fs), dataFlag(fs), seedFlag(fs)
	mach := machineFlags(fs)
	g.out = g.outs.dir(fs, "out", "directory to write the pictures into (created if missing)")
	fs.IntVar(&g.label, "label", -1, "a DBN with labels: draw this label only, 0 to its labels − 1 (default: every label)")
	fs.IntVar(&g.perLabel, "samples", 10, "images of each label (a row each), or, without labels, in all (10 a row), 1 to 100")
	fs.IntVar(&g.sweeps, "sweeps", 1000, "Gibbs sweeps of each chain before its images are taken, 1 to 100000")
	fs.IntVar(&g.frames, "frames", 50, "frames of chain.gif, 2 to 500: one every sweeps/frames sweeps")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: deepnet generate --model FILE --out DIR [--label L] [--samples N] [--sweeps S] [--frames F] [--seed S]\n\n"+
			"Draws what an RBM (deepnet rbm --out) or a deep belief net (deepnet dbn --out) learned, into DIR:\n"+
			"filters.png (the weights of the first RBM's first 100 hidden units on the pixels), samples.png\n"+
			"(a DBN with labels: a row of digits for each label, clamped while its top RBM runs S Gibbs\n"+
			"sweeps, then passed down through the generative weights; otherwise Gibbs chains from random\n"+
			"states), chain.gif (one chain of each label, or 10 chains, frame by frame) and\n"+
			"reconstructions.png (the first 20 test digits and the model's reconstructions of them).")
		fs.PrintDefaults()
	}
	if err := parseFlags(fs, args, stderr); err != nil {
		return nil, err
	}
	if err := checkRanges(fs, []rangeCheck{
		{"samples", g.perLabel >= 1 && g.perLabel <= 100, "1 to 100 images"},
		{"sweeps", g.sweeps >= 1 && g.sweeps <= 100000, "1 to 100000 sweeps"},
		{"frames", g.frames >= 2 && g.frames <= 500, "2 to 500 frames"},
	}); err != nil {
		return nil, err
	}
	if err := mach.apply(); err != nil {
		return nil, err
	}
	if *g.model == "" || *g.out == "" {
		return nil, fmt.Errorf("--model FILE and --out DIR are required")
	}
	return g, nil
}

// checkLabel reports a --label the model has no unit for.
func (g *generateCmd) checkLabel(m generative) error {
	switch {
	case !given(g.fs, "label"):
		return nil
	case m.labels() == 0:
		return fmt.Errorf("--label %d: %s has no label units (a DBN trained with --labels has)", g.label, *g.model)
	case g.label < 0 || g.label >= m.labels():
		return fmt.Errorf("--label %d: want a label of the model, 0 to %d", g.label, m.labels()-1)
	}
	return nil
}

// drawnLabels are the labels drawn: --label's, or all (nil without
// labels).
func (g *generateCmd) drawnLabels(m generative) []int {
	if g.label >= 0 {
		return []int{g.label}
	}
	var ls []int
	for l := range m.labels() {
		ls = append(ls, l)
	}
	return ls
}

func (g *generateCmd) filters(m generative) func() []*image.RGBA {
	return func() []*image.RGBA {
		return []*image.RGBA{filterGrid(m.bottom(), 100, "weights of the first RBM's hidden units 1-100")}
	}
}

// samples draws --samples images of each label, a row each, or without
// labels --samples images.
func (g *generateCmd) samples(m generative) func() []*image.RGBA {
	return func() []*image.RGBA {
		title := fmt.Sprintf("after %d Gibbs sweeps, seed %d", g.sweeps, *g.seed)
		ls := g.drawnLabels(m)
		if ls == nil {
			x, _ := m.chains(-1, g.perLabel, g.sweeps, 0, *g.seed)
			return []*image.RGBA{digitGrid(x, g.perLabel, 10, title, nil)}
		}
		var all []float32
		var names []string
		for _, l := range ls {
			x, _ := m.chains(l, g.perLabel, g.sweeps, 0, *g.seed)
			all, names = append(all, x...), append(names, strconv.Itoa(l))
		}
		return []*image.RGBA{digitGrid(all, len(ls)*g.perLabel, g.perLabel, title, names)}
	}
}

// chain draws the frames of one chain of each label (or 10 chains), side
// by side.
func (g *generateCmd) chain(m generative) func() []*image.RGBA {
	return func() []*image.RGBA {
		every := max(1, g.sweeps/g.frames)
		var runs [][][]float32 // [chain][frame] images
		if ls := g.drawnLabels(m); ls != nil {
			for _, l := range ls {
				_, frames := m.chains(l, 1, g.sweeps, every, *g.seed)
				runs = append(runs, frames)
			}
		} else {
			_, frames := m.chains(-1, 10, g.sweeps, every, *g.seed)
			for c := range 10 {
				var f [][]float32
				for _, x := range frames {
					f = append(f, x[c*784:(c+1)*784])
				}
				runs = append(runs, f)
			}
		}
		var out []*image.RGBA
		for t := range runs[0] {
			var row []float32
			for _, r := range runs {
				row = append(row, r[t]...)
			}
			out = append(out, digitGrid(row, len(runs), len(runs), fmt.Sprintf("sweep %d", (t+1)*every), nil))
		}
		return out
	}
}

// reconstructions draws the first 20 test digits and the model's
// reconstructions of them.
func (g *generateCmd) reconstructions(m generative, test *data.Set) func() []*image.RGBA {
	return func() []*image.RGBA {
		n := min(20, test.N)
		x := make([]float32, n*784)
		idx := make([]int, n)
		for i := range idx {
			idx[i] = i
		}
		test.Batch(x, idx)
		return []*image.RGBA{reconstructionGrid(x, m.reconstruct(x, n), n, "test digits and their reconstructions")}
	}
}

// generative is an RBM or a deep belief net.
type generative struct {
	r *rbm.RBM
	d *rbm.DBN
}

// loadGenerative loads the RBM or DBN file at path; a file of another
// kind is a *model.KindError (a network's, wanting an RBM).
func loadGenerative(path string) (generative, error) {
	f, err := model.ReadFile(path)
	if err != nil {
		return generative{}, err
	}
	if model.KindOf(f) == rbm.KindDBN {
		d, _, err := rbm.LoadDBN(path)
		return generative{d: d}, err
	}
	r, _, err := rbm.Load(path)
	return generative{r: r}, err
}

func (m generative) String() string {
	if m.r != nil {
		return "an RBM of " + m.r.Config.String()
	}
	s := fmt.Sprintf("a deep belief net of %d RBMs, layers %v", len(m.d.RBMs), m.d.Sizes)
	if m.d.Labels > 0 {
		s += fmt.Sprintf(", %d labels", m.d.Labels)
	}
	return s
}

// bottom returns the RBM that reads the pixels.
func (m generative) bottom() *rbm.RBM {
	if m.r != nil {
		return m.r
	}
	return m.d.RBMs[0]
}

// labels returns the number of label units.
func (m generative) labels() int {
	if m.d != nil {
		return m.d.Labels
	}
	return 0
}

// chains returns n images after sweeps Gibbs sweeps of the label (−1:
// none) and, with every > 0, the frames every that many sweeps.
func (m generative) chains(label, n, sweeps, every int, seed uint64) ([]float32, [][]float32) {
	if m.r != nil {
		return rbmChains(m.r, n, sweeps, every, seed)
	}
	var frames [][]float32
	x, err := m.d.GenerateChain(label, n, sweeps, seed, every, func(_ int, images []float32) {
		frames = append(frames, images)
	})
	if err != nil {
		panic(err) // the label and the sizes were checked
	}
	return x, frames
}

// reconstruct returns the model's reconstructions of the n images x.
func (m generative) reconstruct(x []float32, n int) []float32 {
	if m.r != nil {
		return m.r.Reconstruct(x, n)
	}
	return m.d.Reconstruct(x, n)
}
