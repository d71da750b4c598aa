package web

import (
	"encoding/json"
	"slices"
	"testing"
)

// FuzzNumbers: numbers reads every JSON value as encoding/json reads it
// into []float64 (an array of numbers, or null), and refuses the others.
func FuzzNumbers(f *testing.F) {
	for _, s := range []string{`[]`, `[0, 1, 0.5]`, ` [ 1e-3 ,-2E+2 ] `, `null`, `[[1]]`, `["1"]`, `[true]`, `[1,]`, `{}`, `"x"`, `[1e400]`, `[-0]`, `[0.1,"a,b"]`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		var raw json.RawMessage
		if json.Unmarshal([]byte(s), &raw) != nil {
			return // numbers only ever sees valid JSON
		}
		var want []float64
		werr := json.Unmarshal(raw, &want)
		got, err := numbers(raw)
		if (err == nil) != (werr == nil) || err == nil && !slices.Equal(got, want) {
			t.Fatalf("%q: numbers %v, %v; encoding/json %v, %v", s, got, err, want, werr)
		}
	})
}
