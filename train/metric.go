package train

import (
	"encoding/json"
)

// Metric names an objective's score and says which way is better.
// Objectives that are not Metered score accuracy (higher is better) on a
// validation and a test set.
type Metric struct {
	// Name is the score's name in records: "bits_per_char".
	Name string
	// LowerIsBetter is set for costs, such as bits per character.
	LowerIsBetter bool
	// NoTest is set for objectives with no test set (Score.Test unused).
	NoTest bool
}

// accuracy is the Metric of objectives that are not Metered.
var accuracy = Metric{Name: "accuracy"}

// Metered is implemented by objectives whose score is not an accuracy.
type Metered interface {
	Metric() Metric
}

// Ordered is implemented by objectives whose examples must be visited in
// order, 0, 1, 2, ..., every epoch (a language model reading a text window
// after window), not shuffled; InOrder reports it.
type Ordered interface {
	InOrder() bool
}

// metricOf returns obj's Metric.
func metricOf(obj Objective) Metric {
	if m, ok := obj.(Metered); ok {
		return m.Metric()
	}
	return accuracy
}

// atLeast reports whether score a is as good as b or better.
func (m Metric) atLeast(a, b float64) bool {
	if m.LowerIsBetter {
		return a <= b
	}
	return a >= b
}

// better reports whether score a is strictly better than b.
func (m Metric) better(a, b float64) bool { return !m.atLeast(b, a) }

// lastImprovement returns the last epoch whose validation score was
// strictly better than every earlier one's (-1 for none). Early stopping
// counts from it: a score that only ties the best is no improvement.
func lastImprovement(epochs []Epoch, m Metric) int {
	last := -1
	var best float64
	for i, e := range epochs {
		if i == 0 || m.better(e.Validation, best) {
			last, best = e.Epoch, e.Validation
		}
	}
	return last
}

// epochJSON is an Epoch as metrics files and checkpoints write it: an
// accuracy as validation_accuracy and test_accuracy (test_accuracy alone
// for a final model's, Config.Final), another metric as
// "metric" with "validation" and (unless there is no test set) "test".
type epochJSON struct {
	Epoch              int      `json:"epoch"`
	Metric             string   `json:"metric,omitempty"`
	Validation         *float64 `json:"validation,omitempty"`
	Test               *float64 `json:"test,omitempty"`
	ValidationAccuracy *float64 `json:"validation_accuracy,omitempty"`
	TestAccuracy       *float64 `json:"test_accuracy,omitempty"`
	Cost               float64  `json:"training_cost"`
	Eta                float64  `json:"eta"`
	Seconds            float64  `json:"seconds"`
	Averaged           bool     `json:"averaged,omitempty"`
	AveragedEpochs     int      `json:"averaged_epochs,omitempty"`
	Views              int      `json:"views,omitempty"`
}

// MarshalJSON writes e as epochJSON.
func (e Epoch) MarshalJSON() ([]byte, error) {
	r := epochJSON{Epoch: e.Epoch, Cost: e.Cost, Eta: e.Eta, Seconds: e.Seconds,
		Averaged: e.Averaged, AveragedEpochs: e.AveragedEpochs, Views: e.Views}
	v, t := e.Validation, e.Test
	switch {
	case e.Metric == "" && e.NoValidation:
		r.TestAccuracy = &t
	case e.Metric == "":
		r.ValidationAccuracy, r.TestAccuracy = &v, &t
	case e.NoTest:
		r.Metric, r.Validation = e.Metric, &v
	default:
		r.Metric, r.Validation, r.Test = e.Metric, &v, &t
	}
	return json.Marshal(r)
}

// UnmarshalJSON reads what MarshalJSON writes.
func (e *Epoch) UnmarshalJSON(b []byte) error {
	var r epochJSON
	if err := json.Unmarshal(b, &r); err != nil {
		return err
	}
	*e = Epoch{Epoch: r.Epoch, Metric: r.Metric, Cost: r.Cost, Eta: r.Eta, Seconds: r.Seconds,
		Averaged: r.Averaged, AveragedEpochs: r.AveragedEpochs, Views: r.Views}
	val, test := r.ValidationAccuracy, r.TestAccuracy
	if r.Metric != "" {
		val, test = r.Validation, r.Test
		e.NoTest = test == nil
	}
	e.NoValidation = val == nil
	if val != nil {
		e.Validation = *val
	}
	if test != nil {
		e.Test = *test
	}
	return nil
}
