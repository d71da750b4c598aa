package nn

import (
	"fmt"
	"slices"
	"strings"
)

// LayerMismatch is a layer with parameters that CopyMatching did not
// copy, and why.
type LayerMismatch struct {
	// Layer is its position (from 0, as the tensors' names number it).
	Layer int
	// Dst and Src are the specs of the layers at that position in the
	// network copied into and the one copied from ("" where the network
	// has no layer there).
	Dst, Src string
	// Reason says what differs: the kind, or a parameter's shape.
	Reason string
}

func (m LayerMismatch) String() string {
	switch {
	case m.Src == "":
		return fmt.Sprintf("layer %d %s: %s", m.Layer, m.Dst, m.Reason)
	case m.Dst == "":
		return fmt.Sprintf("layer %d (%s in the source): %s", m.Layer, m.Src, m.Reason)
	}
	return fmt.Sprintf("layer %d %s (source %s): %s", m.Layer, m.Dst, m.Src, m.Reason)
}

// MismatchError lists the layers with parameters, of either network,
// whose parameters CopyMatching did not copy. The layers it names in
// the destination keep the parameters they had.
type MismatchError struct {
	Layers []LayerMismatch
}

func (e *MismatchError) Error() string {
	parts := make([]string, len(e.Layers))
	for i, m := range e.Layers {
		parts[i] = m.String()
	}
	return fmt.Sprintf("nn: %d layers not copied: %s", len(e.Layers), strings.Join(parts, "; "))
}

// CopyMatching copies into dst every parameter of each layer of src that
// matches the layer of dst at the same position: the same kind (conv, fc,
// lstm, softmax...) and parameters of the same shapes, buffers included
// (batch normalisation's running statistics). It returns the positions of
// the layers copied, in order. Every other layer with parameters, in dst
// (which keeps its own) or in src (whose are left out), is listed in a
// *MismatchError, returned with the layers copied; the error is nil when
// every layer with parameters was copied. Layers without parameters
// (activations, pooling, dropout) are neither copied nor listed.
func CopyMatching(dst, src *Network) ([]int, error) {
	var copied []int
	var bad []LayerMismatch
	for i := range max(len(dst.Layers), len(src.Layers)) {
		var dp, sp []*Param
		var m LayerMismatch
		m.Layer = i
		if i < len(dst.Layers) {
			dp, m.Dst = dst.layerPs[i], dst.Layers[i].Spec().String()
		}
		if i < len(src.Layers) {
			sp, m.Src = src.layerPs[i], src.Layers[i].Spec().String()
		}
		if len(dp) == 0 && len(sp) == 0 {
			continue
		}
		m.Reason = mismatch(dst, src, i, dp, sp)
		if m.Reason != "" {
			bad = append(bad, m)
			continue
		}
		for j, p := range dp {
			copy(p.Value.Data, sp[j].Value.Data)
		}
		copied = append(copied, i)
	}
	if len(bad) > 0 {
		return copied, &MismatchError{Layers: bad}
	}
	return copied, nil
}

// mismatch says why the parameters sp of src's layer i do not fit dp,
// dst's ("" when they do).
func mismatch(dst, src *Network, i int, dp, sp []*Param) string {
	switch {
	case i >= len(src.Layers):
		return "the source has no layer here (initialised)"
	case i >= len(dst.Layers):
		return "the network has no layer here (left out)"
	case dst.Layers[i].Spec().Kind() != src.Layers[i].Spec().Kind():
		return fmt.Sprintf("a %s layer, not %s", src.Layers[i].Spec().Kind(), dst.Layers[i].Spec().Kind())
	case len(dp) != len(sp):
		return fmt.Sprintf("%d tensors, not %d", len(sp), len(dp))
	}
	for j, p := range dp {
		if !slices.Equal(p.Value.Shape, sp[j].Value.Shape) {
			return fmt.Sprintf("%s is %v in the source, %v here", paramSuffix(p.Name), sp[j].Value.Shape, p.Value.Shape)
		}
	}
	return ""
}

// paramSuffix returns a tensor's name without its layer's number:
// "weight" of "3.weight".
func paramSuffix(name string) string {
	_, s, ok := strings.Cut(name, ".")
	if !ok {
		return name
	}
	return s
}
