package model

import "fmt"

// The kinds of model a deepnet file holds, in its KindKey metadata. Files
// of networks carry no kind (those written before there were others, and
// those written now, byte for byte the same): KindOf reads its absence as
// KindNetwork. Other packages write their own kinds (package rbm: "rbm",
// "dbn"), and Decode refuses them, as they refuse a network.
const (
	// KindKey is the metadata entry naming the kind.
	KindKey = "kind"
	// KindNetwork is an nn.Network (Encode, Decode): feed-forward,
	// convolutional or recurrent.
	KindNetwork = "network"
)

// KindError reports a deepnet file that holds another kind of model than
// the one it was read as: a restricted Boltzmann machine where a network
// is expected, or the other way round. Decode returns it wrapped in a
// *FormatError (errors.As finds it).
type KindError struct {
	// Kind is what the file holds and Want what its reader expected.
	Kind, Want string
}

func (e *KindError) Error() string {
	return fmt.Sprintf("the file holds a %s (metadata kind %q), not a %s", kindName(e.Kind), e.Kind, kindName(e.Want))
}

// kindName names a kind for people.
func kindName(kind string) string {
	switch kind {
	case KindNetwork:
		return "network"
	case "rbm":
		return "restricted Boltzmann machine"
	case "dbn":
		return "deep belief net"
	}
	return "model of kind " + fmt.Sprintf("%q", kind)
}

// KindOf returns the kind of model f holds: its KindKey metadata, or
// KindNetwork when it has none.
func KindOf(f *File) string {
	if k, ok := f.Metadata[KindKey]; ok {
		return k
	}
	return KindNetwork
}

// CheckKind returns nil when f holds a model of kind want, else a
// *FormatError wrapping a *KindError.
func CheckKind(f *File, want string) error {
	if k := KindOf(f); k != want {
		ke := &KindError{Kind: k, Want: want}
		return formatErr(ke.Error(), ke)
	}
	return nil
}
