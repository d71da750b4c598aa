package sweep

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
)

// File is a settings file: JSON with these fields, all optional.
//
//	{
//	  "args":     ["--train-limit", "10000", "--epochs", "5"],
//	  "settings": [{"name": "relu", "args": ["--preset", "relu"]},
//	               {"name": "quick"}],
//	  "grid":     {"eta": [0.03, 0.1], "batch": [10, 32]},
//	  "seeds":    [1, 2, 3]
//	}
//
// Every run trains with Args, then its setting's Args, then one value of
// every Grid flag (as --name value), then --seed: the runs are every
// setting (one unnamed setting when there is none) × every combination of
// the grid's values (flags in alphabetical order, the last one varying
// fastest) × every seed (1 when there is none).
type File struct {
	Args     []string           `json:"args"`
	Settings []Setting          `json:"settings"`
	Grid     map[string][]Value `json:"grid"`
	Seeds    []uint64           `json:"seeds"`
}

// Setting is a named set of flags.
type Setting struct {
	Name string   `json:"name"`
	Args []string `json:"args"`
}

// Value is a grid value: a JSON string, number or boolean, kept as its
// text (a number as written: 0.030 stays "0.030").
type Value string

// UnmarshalJSON reads a string, a number or a boolean.
func (v *Value) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	switch {
	case len(b) > 0 && b[0] == '"':
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
		*v = Value(s)
	case string(b) == "true" || string(b) == "false":
		*v = Value(b)
	case json.Valid(b) && (b[0] == '-' || b[0] >= '0' && b[0] <= '9'):
		*v = Value(b)
	default:
		return fmt.Errorf("%s is not a string, number or boolean", b)
	}
	return nil
}

// SettingsError is a settings file that cannot be read as one: where
// (Field: "grid \"eta\"", "settings[2]"; empty for the file as a whole)
// and why.
type SettingsError struct {
	File, Field string
	Err         error
}

func (e *SettingsError) Error() string {
	if e.Field == "" {
		return fmt.Sprintf("%s: %v", e.File, e.Err)
	}
	return fmt.Sprintf("%s: %s: %v", e.File, e.Field, e.Err)
}

func (e *SettingsError) Unwrap() error { return e.Err }

// Reserved are the flags of deepnet train that a sweep gives each run
// itself: a settings file that gives them is refused.
var Reserved = []string{"seed", "out", "checkpoint", "resume", "metrics", "plot"}

// flagName matches a flag name as deepnet's flags are spelled.
var flagName = regexp.MustCompile(`^[a-z][a-z0-9-]*$`)

// Parse reads a settings file's bytes (name is for messages) and checks
// it: known fields only, no reserved flag (Reserved; seeds go in "seeds"),
// grid flags spelled as flags with at least one value each, names unique
// and distinct seeds. The error is a *SettingsError.
func Parse(name string, data []byte) (*File, error) {
	fail := func(field string, err error) (*File, error) {
		return nil, &SettingsError{File: name, Field: field, Err: err}
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	var f File
	if err := dec.Decode(&f); err != nil {
		return fail("", fmt.Errorf("not a settings file: %v", err))
	}
	if dec.More() {
		return fail("", errors.New("more than one JSON value"))
	}
	if err := checkArgs(f.Args); err != nil {
		return fail("args", err)
	}
	for i, s := range f.Settings {
		field := fmt.Sprintf("settings[%d]", i)
		if s.Name != "" {
			field = fmt.Sprintf("setting %q", s.Name)
		}
		if s.Name == "" && len(f.Settings) > 1 {
			return fail(field, errors.New("several settings need a name each"))
		}
		if err := checkArgs(s.Args); err != nil {
			return fail(field, err)
		}
	}
	for _, k := range sortedKeys(f.Grid) {
		field := fmt.Sprintf("grid %q", k)
		switch {
		case !flagName.MatchString(k):
			return fail(field, errors.New("not a flag name (such as \"eta\" for --eta)"))
		case slices.Contains(Reserved, k):
			return fail(field, reservedErr(k))
		case len(f.Grid[k]) == 0:
			return fail(field, errors.New("no values"))
		}
	}
	seen := map[uint64]bool{}
	for _, s := range f.Seeds {
		if seen[s] {
			return fail("seeds", fmt.Errorf("seed %d twice", s))
		}
		seen[s] = true
	}
	if _, err := f.Plan(); err != nil {
		return fail("", err)
	}
	return &f, nil
}

// checkArgs refuses reserved flags in args.
func checkArgs(args []string) error {
	for _, a := range args {
		if !strings.HasPrefix(a, "-") {
			continue
		}
		n, _, _ := strings.Cut(strings.TrimLeft(a, "-"), "=")
		if slices.Contains(Reserved, n) {
			return reservedErr(n)
		}
	}
	return nil
}

func reservedErr(flag string) error {
	if flag == "seed" {
		return errors.New("--seed: give the seeds as \"seeds\": [1, 2, 3]")
	}
	return fmt.Errorf("--%s: the sweep gives each run its own (%s)", flag, strings.Join(Reserved, ", "))
}

func sortedKeys(m map[string][]Value) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// Plan expands f into its runs, numbered from 0. Two settings with the
// same name (after the characters a file name cannot hold are replaced)
// are an error.
func (f *File) Plan() (*Plan, error) {
	settings := f.Settings
	if len(settings) == 0 {
		settings = []Setting{{}}
	}
	seeds := f.Seeds
	if len(seeds) == 0 {
		seeds = []uint64{1}
	}
	keys := sortedKeys(f.Grid)
	p := &Plan{Version: planVersion}
	names := map[string]string{}
	for _, s := range settings {
		for _, combo := range combinations(keys, f.Grid) {
			setting, args := s.Name, append(slices.Clone(f.Args), s.Args...)
			for i, k := range keys {
				setting += "," + k + "=" + string(combo[i])
				args = append(args, "--"+k, string(combo[i]))
			}
			setting = strings.TrimPrefix(setting, ",")
			if setting == "" {
				setting = "default"
			}
			file := fileName(setting)
			if other, ok := names[file]; ok {
				return nil, fmt.Errorf("settings %q and %q would share the file name %q", other, setting, file)
			}
			names[file] = setting
			for _, seed := range seeds {
				p.Runs = append(p.Runs, Run{Index: len(p.Runs), Setting: setting, Seed: seed,
					Name: file + "-seed" + strconv.FormatUint(seed, 10), Args: args})
			}
		}
	}
	return p, nil
}

// combinations returns every combination of the values of keys in grid,
// the last key varying fastest (one empty combination without keys).
func combinations(keys []string, grid map[string][]Value) [][]Value {
	out := [][]Value{nil}
	for _, k := range keys {
		var next [][]Value
		for _, c := range out {
			for _, v := range grid[k] {
				next = append(next, append(slices.Clone(c), v))
			}
		}
		out = next
	}
	return out
}

// fileName is setting with every character but letters, digits and
// ".=+-," replaced by "_".
func fileName(setting string) string {
	return strings.Map(func(r rune) rune {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', strings.ContainsRune(".=+-,", r):
			return r
		}
		return '_'
	}, setting)
}
