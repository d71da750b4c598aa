// Package ensemble combines several trained networks into one classifier:
// a plurality vote of their predictions, as the book's five voting networks
// (ties broken by the summed probabilities), or the mean of their
// probabilities.
package ensemble

import (
	"fmt"

	"github.com/deepnet-go/deepnet/data"
	"github.com/deepnet-go/deepnet/data/augment"
	"github.com/deepnet-go/deepnet/nn"
)

// Method says how members' outputs combine.
type Method string

const (
	// Vote is a plurality vote of the members' predicted classes; a tie
	// goes to the tied class with the largest summed probability.
	Vote Method = "vote"
	// Average predicts the class of largest mean probability.
	Average Method = "average"
)

// Methods lists every method, the book's first.
var Methods = []Method{Vote, Average}

// ParseMethod checks a method name.
func ParseMethod(s string) (Method, error) {
	switch Method(s) {
	case Vote, Average:
		return Method(s), nil
	}
	return "", fmt.Errorf("unknown ensemble method %q (valid: vote, average)", s)
}

// Combine returns the ensemble's class for one example from its members'
// probability vectors (probs[m] is member m's [K] probabilities). votes and
// sums are scratch space of K values each.
func Combine(method Method, probs [][]float32, votes []int, sums []float64) int {
	clear(votes)
	clear(sums)
	for _, p := range probs {
		votes[nn.Argmax(p)]++
		for k, v := range p {
			sums[k] += float64(v)
		}
	}
	best := 0
	for k := range sums {
		better := sums[k] > sums[best]
		if method == Vote {
			better = votes[k] > votes[best] || (votes[k] == votes[best] && sums[k] > sums[best])
		}
		if better {
			best = k
		}
	}
	return best
}

// Ensemble is a set of networks with the same input and classes.
type Ensemble struct {
	Members []*nn.Network
	Method  Method
	// Views, unless augment.Plain, is test-time augmentation: each member sees
	// every image through each view and its probabilities are the mean
	// over them.
	Views []augment.View
}

// New checks that the members are classifiers of whole examples that agree
// on input shape and classes.
func New(members []*nn.Network, method Method) (*Ensemble, error) {
	if len(members) == 0 {
		return nil, fmt.Errorf("ensemble: no members")
	}
	for i, m := range members {
		if err := m.CheckClassifier(); err != nil {
			return nil, fmt.Errorf("ensemble: member %d: %w", i+1, err)
		}
	}
	for i, m := range members[1:] {
		if m.In != members[0].In || m.Classes() != members[0].Classes() {
			return nil, fmt.Errorf("ensemble: member %d takes %s with %d classes, member 1 %s with %d",
				i+2, m.In, m.Classes(), members[0].In, members[0].Classes())
		}
	}
	return &Ensemble{Members: members, Method: method}, nil
}

// Evaluation is the accuracy of each member and of the ensemble on a set.
type Evaluation struct {
	Members  []float64
	Ensemble float64 // with the ensemble's Method
	// ByMethod holds the ensemble's accuracy with each of Methods, from the
	// same forward passes.
	ByMethod map[Method]float64
	// Predicted holds the ensemble's class for each example.
	Predicted []int
}

// Choose returns the method of highest accuracy in validation, an
// Evaluation on a validation set; a tie goes to Vote, the book's. Choosing
// on validation and reporting test accuracy there keeps the test set out
// of the choice.
func Choose(validation *Evaluation) Method {
	best := Methods[0]
	for _, m := range Methods[1:] {
		if validation.ByMethod[m] > validation.ByMethod[best] {
			best = m
		}
	}
	return best
}

// Evaluate classifies every example of set with each member and with the
// ensemble.
func (e *Ensemble) Evaluate(set *data.Set) *Evaluation {
	k, batch := e.Members[0].Classes(), e.batch()
	ev := &Evaluation{Members: make([]float64, len(e.Members)), Predicted: make([]int, set.N)}
	probs := make([][]float32, len(e.Members)) // [member][n·K], copied out of each member's buffer
	for i := range probs {
		probs[i] = make([]float32, batch*k)
	}
	one := make([][]float32, len(e.Members))
	votes, sums := make([]int, k), make([]float64, k)
	right := make([]int, len(e.Members))
	methodRight := make([]int, len(Methods))
	e.batches(set, func(lo, n int, forward func(m *nn.Network) []float32) {
		for j, m := range e.Members {
			copy(probs[j], forward(m))
		}
		for i := 0; i < n; i++ {
			label := int(set.Labels[lo+i])
			for j := range e.Members {
				one[j] = probs[j][i*k : (i+1)*k]
				if nn.Argmax(one[j]) == label {
					right[j]++
				}
			}
			for j, method := range Methods {
				c := Combine(method, one, votes, sums)
				if method == e.Method {
					ev.Predicted[lo+i] = c
				}
				if c == label {
					methodRight[j]++
				}
			}
		}
	})
	for j := range right {
		ev.Members[j] = float64(right[j]) / float64(max(set.N, 1))
	}
	ev.ByMethod = make(map[Method]float64, len(Methods))
	for j, method := range Methods {
		ev.ByMethod[method] = float64(methodRight[j]) / float64(max(set.N, 1))
	}
	ev.Ensemble = ev.ByMethod[e.Method]
	return ev
}

// Probabilities returns the members' mean class probabilities for every
// example of set, [set.N][K]: an ensemble as one soft classifier, e.g. the
// teacher of train.Config.Teacher.
func (e *Ensemble) Probabilities(set *data.Set) []float32 {
	k := e.Members[0].Classes()
	sums := make([]float64, set.N*k)
	e.batches(set, func(lo, n int, forward func(m *nn.Network) []float32) {
		for _, m := range e.Members {
			for i, p := range forward(m)[:n*k] {
				sums[lo*k+i] += float64(p)
			}
		}
	})
	out := make([]float32, len(sums))
	for i, s := range sums {
		out[i] = float32(s / float64(len(e.Members)))
	}
	return out
}

// batch returns the largest batch every member takes.
func (e *Ensemble) batch() int {
	b := e.Members[0].MaxBatch
	for _, m := range e.Members {
		b = min(b, m.MaxBatch)
	}
	return b
}

// batches calls f with each batch of set in order: its first example lo,
// its size n, and forward, which returns a member's probabilities [n][K]
// for the batch (the mean over e.Views, if any), valid until its next call.
func (e *Ensemble) batches(set *data.Set, f func(lo, n int, forward func(m *nn.Network) []float32)) {
	batch, size, k := e.batch(), e.Members[0].In.Size(), e.Members[0].Classes()
	x := make([]float32, batch*size)
	img := make([]uint8, size)
	mean := make([]float32, batch*k)
	idx := make([]int, batch)
	for lo := 0; lo < set.N; lo += batch {
		n := min(batch, set.N-lo)
		for i := range n {
			idx[i] = lo + i
		}
		if augment.Plain(e.Views) {
			set.Batch(x, idx[:n])
			f(lo, n, func(m *nn.Network) []float32 { return m.Forward(x[:n*size], n, false) })
			continue
		}
		f(lo, n, func(m *nn.Network) []float32 {
			return augment.MeanOverViews(mean, k, e.Views, set, idx[:n], x, img, func(x []float32, n int) []float32 {
				return m.Forward(x[:n*size], n, false)
			})
		})
	}
}
