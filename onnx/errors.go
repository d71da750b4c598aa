package onnx

import "fmt"

// UnsupportedError is a layer kind that Encode cannot write as ONNX, or
// an ONNX operator that Decode cannot read into a layer.
type UnsupportedError struct {
	// Kind is the deepnet layer kind (Encode), Layer its position in the
	// spec from 1.
	Kind  string
	Layer int
	// Op is the ONNX operator (Decode), Node the node's name.
	Op, Node string
}

func (e *UnsupportedError) Error() string {
	if e.Op != "" {
		return fmt.Sprintf("onnx: node %q: operator %s is not supported (%s)", e.Node, e.Op, supportedOps())
	}
	return fmt.Sprintf("onnx: layer %d: kind %s has no ONNX export (%s)", e.Layer, e.Kind, supportedKinds())
}

// FormatError is an ONNX file that Decode cannot read: malformed, not a
// chain of nodes, or a node whose attributes or tensors deepnet's layer
// cannot take. Node names the node (empty for the file as a whole).
type FormatError struct {
	Node   string
	Reason string
	Err    error
}

func (e *FormatError) Error() string {
	if e.Node == "" {
		return "onnx: " + e.Reason
	}
	return fmt.Sprintf("onnx: node %q: %s", e.Node, e.Reason)
}

func (e *FormatError) Unwrap() error { return e.Err }

// formatErr returns a *FormatError about node n ("" for the file).
func formatErr(node, format string, args ...any) *FormatError {
	return &FormatError{Node: node, Reason: fmt.Sprintf(format, args...)}
}
