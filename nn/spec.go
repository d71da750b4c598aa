package nn

import (
	"fmt"
	"strconv"
	"strings"
)

// Kind names a layer type in a spec.
type Kind string

// The layer kinds a spec can name.
const (
	Conv      Kind = "conv"
	MaxPool   Kind = "maxpool"
	L2Pool    Kind = "l2pool"
	AvgPool   Kind = "avgpool"
	FC        Kind = "fc"
	Softmax   Kind = "softmax"
	Dropout   Kind = "dropout"
	Sigmoid   Kind = "sigmoid"
	Tanh      Kind = "tanh"
	ReLU      Kind = "relu"
	Linear    Kind = "linear"
	BatchNorm Kind = "batchnorm"
)

// LayerSpec describes one layer: its kind and sizes.
type LayerSpec struct {
	Kind Kind
	// N is the number of feature maps (conv) or units (fc, softmax).
	N int
	// KH, KW are the kernel (conv) or pool (pooling) size.
	KH, KW int
	// Stride is the convolution stride (1 when 0).
	Stride int
	// P is the dropout probability.
	P float64
	// Network3 selects network3.py's dropout: kept values are not scaled in
	// training, and every value is multiplied by 1-P at inference. Without
	// it dropout is "inverted" (kept values scaled by 1/(1-P) in training).
	Network3 bool
}

// Spec is a network architecture: its layers in order. The text form is the
// layers separated by spaces (or commas):
//
//	conv:MAPSxKHxKW[/STRIDE]   convolution, "valid" borders, e.g. conv:20x5x5
//	maxpool:P[xQ]              max-pooling over P×Q blocks (border ignored)
//	l2pool:P[xQ]               L2 pooling: sqrt of the sum of squares
//	avgpool:P[xQ]              average pooling
//	fc:UNITS[:ACT]             fully connected, optionally followed by ACT
//	softmax:CLASSES            fully connected (zero init) + softmax output
//	dropout:P[:network3]       drop each input with probability P in training;
//	                           inverted, or network3.py's scaling at inference
//	batchnorm                  batch normalisation per feature map or unit
//	sigmoid | tanh | relu      activations
//
// "fc:100:relu" is shorthand for "fc:100 relu" ("fc:100:linear" for "fc:100"). A spec must end with a
// softmax layer. Example, the chapter's network with ReLU:
//
//	conv:20x5x5 maxpool:2 relu conv:40x5x5 maxpool:2 relu fc:100:relu softmax:10
type Spec []LayerSpec

// ParseSpec reads the text form of a Spec. The error says which layer is
// wrong and lists what is valid.
func ParseSpec(text string) (Spec, error) {
	fields := strings.FieldsFunc(text, func(r rune) bool { return r == ' ' || r == ',' || r == '\t' || r == '\n' })
	if len(fields) == 0 {
		return nil, fmt.Errorf("empty network spec; %s", specHelp)
	}
	var s Spec
	for i, f := range fields {
		ls, err := parseLayer(f)
		if err != nil {
			return nil, fmt.Errorf("spec layer %d %q: %v; %s", i+1, f, err, specHelp)
		}
		s = append(s, ls...)
	}
	if err := s.Validate(); err != nil {
		return nil, err
	}
	return s, nil
}

const specHelp = "valid layers: conv:MAPSxKHxKW[/STRIDE], maxpool:P[xQ], l2pool:P[xQ], avgpool:P[xQ], fc:UNITS[:ACT], softmax:CLASSES, dropout:P[:network3], batchnorm, sigmoid, tanh, relu"

// Validate checks the sizes of every layer and that the spec ends with its
// only softmax layer.
func (s Spec) Validate() error {
	if len(s) == 0 || s[len(s)-1].Kind != Softmax {
		return fmt.Errorf("network spec must end with softmax:CLASSES")
	}
	for i, l := range s {
		if l.Kind == Softmax && i != len(s)-1 {
			return fmt.Errorf("spec layer %d: softmax must be the last layer", i+1)
		}
		switch l.Kind {
		case Conv:
			if l.N < 1 || l.KH < 1 || l.KW < 1 || l.Stride < 0 {
				return fmt.Errorf("spec layer %d: conv needs positive maps, kernel and stride", i+1)
			}
		case MaxPool, L2Pool, AvgPool:
			if l.KH < 1 || l.KW < 1 {
				return fmt.Errorf("spec layer %d: pool size must be positive", i+1)
			}
		case FC, Softmax:
			if l.N < 1 {
				return fmt.Errorf("spec layer %d: %s needs a positive size", i+1, l.Kind)
			}
		case Dropout:
			if !(l.P >= 0 && l.P < 1) {
				return fmt.Errorf("spec layer %d: dropout probability %v not in [0, 1)", i+1, l.P)
			}
		case Sigmoid, Tanh, ReLU, BatchNorm:
		default:
			return fmt.Errorf("spec layer %d: unknown kind %q; %s", i+1, l.Kind, specHelp)
		}
	}
	return nil
}

func parseLayer(f string) ([]LayerSpec, error) {
	kind, arg, hasArg := strings.Cut(f, ":")
	k := Kind(kind)
	switch k {
	case Sigmoid, Tanh, ReLU, BatchNorm:
		if hasArg {
			return nil, fmt.Errorf("%s takes no argument", k)
		}
		return []LayerSpec{{Kind: k}}, nil
	case Conv:
		dims, stride, hasStride := strings.Cut(arg, "/")
		v, err := ints(dims, 3)
		if err != nil {
			return nil, err
		}
		l := LayerSpec{Kind: Conv, N: v[0], KH: v[1], KW: v[2], Stride: 1}
		if hasStride {
			if l.Stride, err = strconv.Atoi(stride); err != nil || l.Stride < 1 {
				return nil, fmt.Errorf("bad stride %q", stride)
			}
		}
		return []LayerSpec{l}, nil
	case MaxPool, L2Pool, AvgPool:
		v, err := ints(arg, 1, 2)
		if err != nil {
			return nil, err
		}
		l := LayerSpec{Kind: k, KH: v[0], KW: v[len(v)-1]}
		return []LayerSpec{l}, nil
	case FC, Softmax:
		num, act, hasAct := strings.Cut(arg, ":")
		v, err := ints(num, 1)
		if err != nil {
			return nil, err
		}
		out := []LayerSpec{{Kind: k, N: v[0]}}
		if hasAct {
			a := Kind(act)
			if k == Softmax || (a != Sigmoid && a != Tanh && a != ReLU && a != Linear) {
				return nil, fmt.Errorf("bad activation %q (sigmoid, tanh, relu or linear after fc)", act)
			}
			if a != Linear {
				out = append(out, LayerSpec{Kind: a})
			}
		}
		return out, nil
	case Dropout:
		prob, mode, hasMode := strings.Cut(arg, ":")
		if hasMode && mode != "network3" {
			return nil, fmt.Errorf("dropout mode %q unknown; the only mode is network3", mode)
		}
		p, err := strconv.ParseFloat(prob, 64)
		if err != nil || !(p >= 0 && p < 1) {
			return nil, fmt.Errorf("dropout probability %q not a number in [0, 1)", prob)
		}
		return []LayerSpec{{Kind: Dropout, P: p, Network3: hasMode}}, nil
	}
	return nil, fmt.Errorf("unknown layer kind %q", kind)
}

// ints parses "AxBxC" into exactly one of the allowed counts of positive ints.
func ints(s string, counts ...int) ([]int, error) {
	parts := strings.Split(s, "x")
	ok := false
	for _, c := range counts {
		ok = ok || len(parts) == c
	}
	if !ok {
		return nil, fmt.Errorf("expected %v numbers separated by 'x', got %q", counts, s)
	}
	v := make([]int, len(parts))
	for i, p := range parts {
		n, err := strconv.Atoi(p)
		if err != nil || n < 1 || n > 1<<20 {
			return nil, fmt.Errorf("bad size %q", p)
		}
		v[i] = n
	}
	return v, nil
}

// String formats one layer in the text form ParseSpec reads.
func (l LayerSpec) String() string {
	switch l.Kind {
	case Conv:
		s := fmt.Sprintf("conv:%dx%dx%d", l.N, l.KH, l.KW)
		if l.Stride > 1 {
			s += fmt.Sprintf("/%d", l.Stride)
		}
		return s
	case MaxPool, L2Pool, AvgPool:
		if l.KH == l.KW {
			return fmt.Sprintf("%s:%d", l.Kind, l.KH)
		}
		return fmt.Sprintf("%s:%dx%d", l.Kind, l.KH, l.KW)
	case FC, Softmax:
		return fmt.Sprintf("%s:%d", l.Kind, l.N)
	case Dropout:
		s := "dropout:" + strconv.FormatFloat(l.P, 'g', -1, 64)
		if l.Network3 {
			s += ":network3"
		}
		return s
	}
	return string(l.Kind)
}

// String formats the spec in the text form ParseSpec reads.
func (s Spec) String() string {
	parts := make([]string, len(s))
	for i, l := range s {
		parts[i] = l.String()
	}
	return strings.Join(parts, " ")
}
