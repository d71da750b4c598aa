package nn

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync"
)

// LayerSpec is one layer of a Spec. Each kind of layer has its own type in
// its own file (ConvSpec, DenseSpec, ...), which knows everything about the
// kind: its text form, its sizes' rules, its output shape, its parameters,
// its cost, and how to build it.
type LayerSpec interface {
	// Kind returns the name of the layer's kind, the word that starts its
	// text form ("conv").
	Kind() string
	// String returns the text form, which ParseSpec reads back.
	String() string
	// Validate reports sizes that no input could make valid (a zero
	// kernel, a dropout probability of 2).
	Validate() error
	// Plan works out the layer for inputs of shape in, before anything is
	// allocated: its output shape, parameters (names relative to the layer,
	// "weight"), buffer sizes and FLOPs (Plan fills In, Spec and the
	// parameters' prefixes). The error says why the layer does not fit in.
	Plan(in Shape) (LayerPlan, error)
	// Build makes the layer that Plan described for ctx.In.
	Build(ctx BuildContext) (Layer, error)
}

// BuildContext is what a LayerSpec's Build gets from New.
type BuildContext struct {
	// In is the shape of one input example.
	In Shape
	// MaxBatch is the largest batch Forward will take.
	MaxBatch int
	// InputGrad reports whether Backward must compute dCost/dInput (false
	// for the first layer, whose input is the data).
	InputGrad bool
	// Name is the prefix of the layer's parameter names: "3" for the
	// fourth layer, whose weights are "3.weight".
	Name string
	// Seed and Index (the layer's position in the spec) seed any random
	// numbers of the layer's own, such as dropout's masks.
	Seed  uint64
	Index int
}

// Kind is one kind of layer as specs name it. A kind's file defines its
// LayerSpec type and one Kind value; the table in kinds.go lists the
// built-in ones, and Register adds more.
type Kind struct {
	// Name starts the layer's text form: "conv".
	Name string
	// Syntax is the text form, for help: "conv:MAPSxKHxKW[/STRIDE]".
	Syntax string
	// About says in a few words what the layer does.
	About string
	// Parse reads the text after "Name:" (arg; hasArg false when there is
	// no colon) into the layers it stands for: one, or more for a
	// shorthand ("fc:100:relu" is fc:100 then relu).
	Parse func(arg string, hasArg bool) ([]LayerSpec, error)
	// TrainOnly marks kinds that matter in training only (dropout):
	// pictures of what a network sees leave them out.
	TrainOnly bool
	// Activation marks element-wise activations without arguments, which
	// "fc:UNITS:NAME" may name after a fully-connected layer.
	Activation bool
}

var registry struct {
	sync.RWMutex
	byName map[string]*Kind
	order  []*Kind
}

func init() {
	for i := range builtinKinds {
		Register(builtinKinds[i])
	}
}

// Register adds a kind of layer, so that ParseSpec reads it. It panics
// when the kind has no name, no syntax or no parser, or when its name is
// taken: a programmer error. Call it from an init function.
func Register(k Kind) {
	if k.Name == "" || k.Syntax == "" || k.Parse == nil || strings.ContainsAny(k.Name, ":, \t\n") {
		panic(fmt.Sprintf("nn.Register: kind %q needs a name (no ':', ',' or spaces), a syntax and a parser", k.Name))
	}
	registry.Lock()
	defer registry.Unlock()
	if registry.byName == nil {
		registry.byName = map[string]*Kind{}
	}
	if registry.byName[k.Name] != nil {
		panic(fmt.Sprintf("nn.Register: kind %q registered twice", k.Name))
	}
	registry.byName[k.Name] = &k
	registry.order = append(registry.order, &k)
}

// LookupKind returns the registered kind called name.
func LookupKind(name string) (Kind, bool) {
	registry.RLock()
	defer registry.RUnlock()
	k := registry.byName[name]
	if k == nil {
		return Kind{}, false
	}
	return *k, true
}

// Kinds returns every registered kind, the built-in ones first, in the
// order of their table.
func Kinds() []Kind {
	registry.RLock()
	defer registry.RUnlock()
	out := make([]Kind, len(registry.order))
	for i, k := range registry.order {
		out[i] = *k
	}
	return out
}

// SpecHelp lists the text forms of every kind, for error messages.
func SpecHelp() string {
	var forms []string
	for _, k := range Kinds() {
		forms = append(forms, k.Syntax)
	}
	return "valid layers: " + strings.Join(forms, ", ")
}

// Spec is a network architecture: its layers in order. The text form is
// the layers separated by spaces or commas, each in its kind's syntax
// (SpecHelp lists them), e.g. the chapter's network with ReLU:
//
//	conv:20x5x5 maxpool:2 relu conv:40x5x5 maxpool:2 relu fc:100:relu softmax:10
type Spec []LayerSpec

// String formats the spec in the text form ParseSpec reads.
func (s Spec) String() string {
	parts := make([]string, len(s))
	for i, l := range s {
		parts[i] = l.String()
	}
	return strings.Join(parts, " ")
}

// Validate checks every layer's sizes.
func (s Spec) Validate() error {
	if len(s) == 0 {
		return &SpecError{Reason: "a network needs at least one layer"}
	}
	for i, l := range s {
		if l == nil {
			return &SpecError{Layer: i + 1, Reason: "no layer (nil)"}
		}
		if err := l.Validate(); err != nil {
			return &SpecError{Layer: i + 1, Token: l.String(), Reason: err.Error(), Err: err}
		}
	}
	return nil
}

// Equal reports whether two specs have the same text form.
func (s Spec) Equal(t Spec) bool {
	return slices.EqualFunc(s, t, func(a, b LayerSpec) bool { return a.String() == b.String() })
}

// MaxSpecText and MaxSpecLayers bound what ParseSpec reads: a spec comes
// from users and files, and must not take unbounded memory to read.
const (
	MaxSpecText   = 1 << 16
	MaxSpecLayers = 1 << 10
)

// ParseSpec reads the text form of a Spec. A *SpecError says which layer
// is wrong, where, and why.
func ParseSpec(text string) (Spec, error) {
	if len(text) > MaxSpecText {
		return nil, &SpecError{Reason: fmt.Sprintf("spec of %d bytes; at most %d", len(text), MaxSpecText)}
	}
	var s Spec
	layer := 0
	for pos := 0; pos < len(text); {
		if isSpecSpace(text[pos]) {
			pos++
			continue
		}
		end := pos
		for end < len(text) && !isSpecSpace(text[end]) {
			end++
		}
		token := text[pos:end]
		layer++
		if layer > MaxSpecLayers {
			return nil, &SpecError{Layer: layer, Offset: pos, Token: token, Reason: fmt.Sprintf("more than %d layers", MaxSpecLayers)}
		}
		ls, err := parseLayer(token)
		if err != nil {
			err.Layer, err.Offset = layer, pos
			return nil, err
		}
		s = append(s, ls...)
		pos = end
	}
	if len(s) == 0 {
		return nil, &SpecError{Reason: "empty network spec; " + SpecHelp()}
	}
	if err := s.Validate(); err != nil {
		return nil, err
	}
	return s, nil
}

func isSpecSpace(c byte) bool { return c == ' ' || c == ',' || c == '\t' || c == '\n' || c == '\r' }

// parseLayer reads one layer's text through its kind's parser.
func parseLayer(token string) ([]LayerSpec, *SpecError) {
	name, arg, hasArg := strings.Cut(token, ":")
	k, ok := LookupKind(name)
	if !ok {
		return nil, &SpecError{Token: token, Reason: fmt.Sprintf("unknown layer kind %q; %s", name, SpecHelp())}
	}
	ls, err := k.Parse(arg, hasArg)
	if err != nil {
		return nil, &SpecError{Token: token, Reason: fmt.Sprintf("%v (the form is %s)", err, k.Syntax), Err: err}
	}
	return ls, nil
}

// SpecError is a spec that cannot be read or does not fit its input.
type SpecError struct {
	// Layer is the layer's position in the spec, from 1 (0: the spec as a
	// whole).
	Layer int
	// Token is the layer's text, and Offset its byte offset in the text
	// ParseSpec read (0 when the spec was not parsed from text).
	Token  string
	Offset int
	// Reason says what is wrong; Err is the underlying error, if any.
	Reason string
	Err    error
}

func (e *SpecError) Error() string {
	switch {
	case e.Layer == 0:
		return "nn: spec: " + e.Reason
	case e.Token == "":
		return fmt.Sprintf("nn: spec layer %d: %s", e.Layer, e.Reason)
	}
	return fmt.Sprintf("nn: spec layer %d %q: %s", e.Layer, e.Token, e.Reason)
}

func (e *SpecError) Unwrap() error { return e.Err }

// maxSize bounds every size a spec gives (maps, units, kernels, pools):
// sizes come from users and files.
const maxSize = 1 << 20

// inSize reports whether n is a valid size.
func inSize(n int) bool { return n >= 1 && n <= maxSize }

// sizes parses "AxBxC" into exactly one of the allowed counts of sizes.
func sizes(s string, counts ...int) ([]int, error) {
	parts := strings.Split(s, "x")
	if !slices.Contains(counts, len(parts)) {
		return nil, fmt.Errorf("expected %v numbers separated by 'x', got %q", counts, s)
	}
	v := make([]int, len(parts))
	for i, p := range parts {
		n, err := strconv.Atoi(p)
		if err != nil || !inSize(n) {
			return nil, fmt.Errorf("bad size %q (want 1..%d)", p, maxSize)
		}
		v[i] = n
	}
	return v, nil
}

// noArgument is the Parse of kinds that take no argument, such as "relu".
func noArgument(name string, spec LayerSpec) func(string, bool) ([]LayerSpec, error) {
	return func(_ string, hasArg bool) ([]LayerSpec, error) {
		if hasArg {
			return nil, fmt.Errorf("%s takes no argument", name)
		}
		return []LayerSpec{spec}, nil
	}
}
