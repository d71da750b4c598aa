package web

import (
	"path/filepath"

	"github.com/deepnet-go/deepnet/model"
	"github.com/deepnet-go/deepnet/nn"
)

// ModelJSON is the answer of GET /api/model: what the page shows about
// the model and needs to draw it.
type ModelJSON struct {
	// Kind is "digits" (a classifier of 28×28 images), "text" (a
	// character model) or "dreams" (a generative model: a deep belief
	// net).
	Kind string `json:"kind"`
	// Name is the model file's base name.
	Name     string      `json:"name"`
	Spec     string      `json:"spec"`
	Input    ShapeJSON   `json:"input"`
	Classes  int         `json:"classes"`
	Params   int64       `json:"params"`
	MaxBatch int         `json:"max_batch"`
	Layers   []LayerJSON `json:"layers"`
	// Training is how the model was trained (its file's metadata: preset,
	// η, λ, epochs, validation and test accuracy...); null when unknown.
	Training *model.Info `json:"training"`
	Limits   LimitsJSON  `json:"limits"`
}

// ShapeJSON is an nn.Shape: C maps of H×W values, or C values (flat), or
// T steps of C values.
type ShapeJSON struct {
	C    int  `json:"c"`
	H    int  `json:"h"`
	W    int  `json:"w"`
	T    int  `json:"t,omitempty"`
	Flat bool `json:"flat,omitempty"`
}

func shapeJSON(s nn.Shape) ShapeJSON { return ShapeJSON{C: s.C, H: s.H, W: s.W, T: s.T, Flat: s.Flat} }

// LayerJSON describes layer Layer (numbered from 1, as the spec and
// deepnet viz number them).
type LayerJSON struct {
	Layer int    `json:"layer"`
	Spec  string `json:"spec"`
	Kind  string `json:"kind"`
	// TrainOnly marks layers that do nothing at inference (dropout).
	TrainOnly bool      `json:"train_only,omitempty"`
	In        ShapeJSON `json:"in"`
	Out       ShapeJSON `json:"out"`
	Params    int64     `json:"params"`
	// Field is the receptive field of each unit of the output's maps on
	// the network's input (null for outputs that are not maps, whose
	// units see all of it).
	Field *FieldJSON `json:"field"`
}

// FieldJSON is where a unit of a layer's maps looks on the network's
// input: unit (i, j) of every map sees rows i·Step[0] … i·Step[0]+Size[0]−1
// and columns j·Step[1] … j·Step[1]+Size[1]−1 (of every input map).
// Window is the layer's own [KH, KW, SH, SW] on its input, null for a
// layer that acts pixel by pixel.
type FieldJSON struct {
	Size   [2]int  `json:"size"`
	Step   [2]int  `json:"step"`
	Window *[4]int `json:"window"`
}

// LimitsJSON are the bounds the server puts on requests.
type LimitsJSON struct {
	MaxBodyBytes   int64 `json:"max_body_bytes"`
	MaxImagePixels int64 `json:"max_image_pixels"`
	MaxSample      int   `json:"max_sample,omitempty"`
}

// describe returns the description of net and info, or an error when
// net's spec does not plan (which a built network's always does).
func describe(kind, path string, net *nn.Network, info *model.Info) (*ModelJSON, error) {
	plans, err := nn.Plan(net.Spec, net.In)
	if err != nil {
		return nil, err
	}
	m := &ModelJSON{Kind: kind, Spec: net.Spec.String(), Input: shapeJSON(net.In),
		Classes: net.Classes(), MaxBatch: net.MaxBatch, Training: info,
		Limits: LimitsJSON{MaxBodyBytes: MaxBodyBytes, MaxImagePixels: MaxImagePixels}}
	if path != "" {
		m.Name = filepath.Base(path)
	}
	fields := receptiveFields(plans)
	for i, p := range plans {
		var params int64
		for _, pp := range p.Params {
			params += pp.Len()
		}
		m.Params += params
		k, _ := nn.LookupKind(p.Spec.Kind())
		m.Layers = append(m.Layers, LayerJSON{Layer: i + 1, Spec: p.Spec.String(), Kind: p.Spec.Kind(),
			TrainOnly: k.TrainOnly, In: shapeJSON(p.In), Out: shapeJSON(p.Out), Params: params, Field: fields[i]})
	}
	return m, nil
}

// receptiveFields composes the layers' windows (nn.Window) from the input
// up: a window of K pixels at step S on maps whose units see F pixels at
// step J sees F+(K−1)·J pixels at step J·S. A layer that keeps the height
// and width of maps (an activation, batch normalisation) keeps the field.
// Fields end at the first output that is not maps (flat, a sequence) or
// that changes size without a window.
func receptiveFields(plans []nn.LayerPlan) []*FieldJSON {
	out := make([]*FieldJSON, len(plans))
	size, step := [2]int{1, 1}, [2]int{1, 1}
	for i, p := range plans {
		if p.In.Flat || p.In.T > 0 || p.Out.Flat || p.Out.T > 0 {
			break
		}
		f := &FieldJSON{}
		if w, ok := p.Spec.(nn.Window); ok {
			kh, kw, sh, sw := w.Window()
			size = [2]int{size[0] + (kh-1)*step[0], size[1] + (kw-1)*step[1]}
			step = [2]int{step[0] * sh, step[1] * sw}
			f.Window = &[4]int{kh, kw, sh, sw}
		} else if p.Out.H != p.In.H || p.Out.W != p.In.W {
			break
		}
		f.Size, f.Step = size, step
		out[i] = f
	}
	return out
}
