package viz

import (
	"fmt"
	"image"
	"image/color"

	"github.com/deepnet-go/deepnet/nn"
)

// Activation is the output of one layer of a network for one example.
type Activation struct {
	// Layer is the layer's index in Network.Layers.
	Layer int
	Spec  nn.LayerSpec
	Shape nn.Shape
	// Data is a copy of the output: [C][H][W] for images, [C] for flat
	// outputs (a batch of one in nn's layouts).
	Data []float32
}

// Activations runs one example x ([C][H][W], net.In.Size() values) through
// net at inference (no dropout) and returns every layer's output, in order;
// the last is the class probabilities. It calls each layer's Forward in
// turn, so it leaves the network as a Forward of one example would.
func Activations(net *nn.Network, x []float32) ([]Activation, error) {
	if len(x) != net.In.Size() {
		return nil, fmt.Errorf("viz: input of %d values for a network that takes %s (%d)", len(x), net.In, net.In.Size())
	}
	out := make([]Activation, len(net.Layers))
	for i, l := range net.Layers {
		x = l.Forward(x, 1, false) // with one example [C][N][H][W] is [C][H][W]
		out[i] = Activation{Layer: i, Spec: l.Spec(), Shape: l.OutShape(), Data: append([]float32(nil), x...)}
	}
	return out, nil
}

// panel is one labelled grid of maps in FeatureMaps.
type panel struct {
	label  string
	maps   []float32 // c maps of h×w
	c      int
	h, w   int
	scale  int
	perRow int
}

const (
	margin      = 8
	mapGap      = 4
	labelScale  = 2
	labelHeight = lineHeight * labelScale
	mapsPerRow  = 10
)

func newPanel(label string, v []float32, s nn.Shape) panel {
	return panel{label: label, maps: v, c: s.C, h: s.H, w: s.W, scale: max(1, 56/max(s.H, s.W)), perRow: min(s.C, mapsPerRow)}
}

func (p panel) size() (w, h int) {
	rows := (p.c + p.perRow - 1) / p.perRow
	w = max(p.perRow*(p.w*p.scale+mapGap)-mapGap, textWidth(p.label, labelScale))
	return w, labelHeight + rows*(p.h*p.scale+mapGap)
}

// draw draws p with its top left corner at (x, y), every map shaded on the
// range of the whole panel (zero included), darker for larger values.
func (p panel) draw(img *image.RGBA, x, y int) {
	drawText(img, x, y, p.label, textColor, labelScale)
	y += labelHeight
	lo, hi := rangeOf(p.maps)
	lo = min(lo, 0)
	mw, mh := p.w*p.scale, p.h*p.scale
	for i := 0; i < p.c; i++ {
		mx, my := x+(i%p.perRow)*(mw+mapGap), y+(i/p.perRow)*(mh+mapGap)
		drawMap(img, mx, my, p.maps[i*p.h*p.w:(i+1)*p.h*p.w], p.h, p.w, lo, hi, p.scale)
		outline(img, image.Rect(mx-1, my-1, mx+mw+1, my+mh+1), frame)
	}
}

// FeatureMaps runs one example x through net (see Activations) and draws,
// top to bottom: the input; the output of every convolution and pooling
// layer and of the activations after them (each a grid of feature maps,
// labelled with the layer's index, spec and output shape); and the class
// probabilities as bars, the predicted class in orange. Maps are shaded
// darker for larger values, on the range of their layer widened to
// include zero (so a ReLU's zeros are white). Fully-connected
// layers other than the output, and dropout (the identity at inference),
// are not drawn.
func FeatureMaps(net *nn.Network, x []float32) (*image.RGBA, error) {
	acts, err := Activations(net, x)
	if err != nil {
		return nil, err
	}
	in := net.In
	in.Flat = false
	panels := []panel{newPanel("input "+in.String(), x, in)}
	for _, a := range acts {
		if k, _ := nn.LookupKind(a.Spec.Kind()); a.Shape.Flat || a.Shape.T > 0 || k.TrainOnly {
			continue
		}
		panels = append(panels, newPanel(fmt.Sprintf("%d %s  %s", a.Layer+1, a.Spec, a.Shape), a.Data, a.Shape))
	}
	probs := acts[len(acts)-1].Data
	bars := barsPanel{p: probs, label: fmt.Sprintf("output: %d", nn.Argmax(probs))}
	w, h := bars.size()
	for _, p := range panels {
		pw, ph := p.size()
		w, h = max(w, pw), h+ph+margin
	}
	img := canvas(w+2*margin, h+2*margin, white)
	y := margin
	for _, p := range panels {
		p.draw(img, margin, y)
		_, ph := p.size()
		y += ph + margin
	}
	bars.draw(img, margin, y)
	return img, nil
}

// barsPanel draws class probabilities as vertical bars over class labels.
type barsPanel struct {
	p     []float32
	label string
}

const (
	barWidth  = 20
	barGap    = 6
	barHeight = 60
)

func (b barsPanel) size() (w, h int) {
	w = max(len(b.p)*(barWidth+barGap)-barGap, textWidth(b.label, labelScale))
	return w, labelHeight + barHeight + 4 + lineHeight*labelScale
}

func (b barsPanel) draw(img *image.RGBA, x, y int) {
	drawText(img, x, y, b.label, textColor, labelScale)
	y += labelHeight
	best := nn.Argmax(b.p)
	for k, p := range b.p {
		bx := x + k*(barWidth+barGap)
		c := seriesColors[0]
		if k == best {
			c = seriesColors[1]
		}
		top := y + barHeight - int(float32(barHeight)*min(1, max(0, p))+0.5)
		fillRect(img, image.Rect(bx, y, bx+barWidth, y+barHeight), color.RGBA{240, 240, 240, 255})
		fillRect(img, image.Rect(bx, top, bx+barWidth, y+barHeight), c)
		drawTextCentred(img, bx+barWidth/2, y+barHeight+4, fmt.Sprint(k), textColor, labelScale)
	}
}
