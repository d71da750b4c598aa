package main

import (
	"image"

	"github.com/deepnet-go/deepnet/rbm"
	"github.com/deepnet-go/deepnet/viz"
)

// The pictures of RBMs and deep belief nets, which deepnet rbm (as it
// trains) and deepnet generate draw.

// rbmChains runs n Gibbs chains of r for sweeps sweeps from visible
// states drawn from its visible biases (σ(vbias): the model with its
// weights removed), drawing from seed, and returns the visible means of
// the last sweep (pixel probabilities); with every > 0 also those after
// sweeps every, 2·every, ..., the frames of an animation.
func rbmChains(r *rbm.RBM, n, sweeps, every int, seed uint64) ([]float32, [][]float32) {
	V, H := r.Visible, r.Hidden
	v, pv, h := make([]float32, n*V), make([]float32, n*V), make([]float32, n*H)
	s := rbm.NewSampler(seed)
	r.VisibleMeans(h, n, pv) // h = 0
	r.SampleVisible(pv, v, n, s)
	var frames [][]float32
	for sweep := 1; sweep <= sweeps; sweep++ {
		s.At(uint64(sweep), 0)
		r.HiddenProbs(v, n, h)
		r.SampleHidden(h, h, n, s)
		r.VisibleMeans(h, n, pv)
		if every > 0 && sweep%every == 0 {
			frames = append(frames, append([]float32(nil), pv...))
		}
		if sweep < sweeps {
			r.SampleVisible(pv, v, n, s)
		}
	}
	return pv, frames
}

// digitGrid draws n 28×28 images of pixel probabilities, perRow a row,
// with a title and row labels (nil for none).
func digitGrid(images []float32, n, perRow int, title string, rowLabels []string) *image.RGBA {
	return viz.Tiles(images, n, 28, 28, viz.TileOptions{PerRow: perRow, Scale: 2, Lo: 0, Hi: 1, Title: title, RowLabels: rowLabels})
}

// filterGrid draws the weights of r's first n hidden units (at most its
// hidden units) on its 784 visible units as 28×28 filters, each on its
// own range, 10 a row.
func filterGrid(r *rbm.RBM, n int, title string) *image.RGBA {
	n = min(n, r.Hidden)
	side := 28
	w := make([]float32, n*side*side)
	for j := range n {
		copy(w[j*side*side:(j+1)*side*side], r.W.Value.Data[j*r.Visible:j*r.Visible+side*side])
	}
	return viz.Tiles(w, n, side, side, viz.TileOptions{PerRow: 10, Scale: 2, Title: title})
}

// reconstructionGrid draws n images x and their reconstructions rec in
// pairs of rows of 10: the images, then their reconstructions.
func reconstructionGrid(x, rec []float32, n int, title string) *image.RGBA {
	const per, size = 10, 784
	rows := (n + per - 1) / per
	grid := make([]float32, 2*rows*per*size)
	var labels []string
	for r := range rows {
		for i := range per {
			if k := r*per + i; k < n {
				copy(grid[(2*r*per+i)*size:], x[k*size:(k+1)*size])
				copy(grid[((2*r+1)*per+i)*size:], rec[k*size:(k+1)*size])
			}
		}
		labels = append(labels, "data", "model")
	}
	return viz.Tiles(grid, 2*rows*per, 28, 28, viz.TileOptions{PerRow: per, Scale: 2, Lo: 0, Hi: 1, Title: title, RowLabels: labels})
}
