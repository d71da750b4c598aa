package sweep

import (
	"errors"
	"slices"
	"strings"
	"testing"
)

// TestPlanExpands: settings × grid (flags in alphabetical order, the last
// varying fastest) × seeds, each run's flags in the file's order, and
// its names.
func TestPlanExpands(t *testing.T) {
	f, err := Parse("s.json", []byte(`{
		"args": ["--train-limit", "500"],
		"settings": [{"name": "relu", "args": ["--preset", "relu"]}, {"name": "conv/1"}],
		"grid": {"eta": [0.030, "0.1"], "batch": [10]},
		"seeds": [3, 1]
	}`))
	if err != nil {
		t.Fatal(err)
	}
	p, err := f.Plan()
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for i, r := range p.Runs {
		if r.Index != i {
			t.Errorf("run %d has index %d", i, r.Index)
		}
		got = append(got, r.Name+" "+r.Setting+" "+strings.Join(r.Args, " "))
	}
	want := []string{
		"relu,batch=10,eta=0.030-seed3 relu,batch=10,eta=0.030 --train-limit 500 --preset relu --batch 10 --eta 0.030",
		"relu,batch=10,eta=0.030-seed1 relu,batch=10,eta=0.030 --train-limit 500 --preset relu --batch 10 --eta 0.030",
		"relu,batch=10,eta=0.1-seed3 relu,batch=10,eta=0.1 --train-limit 500 --preset relu --batch 10 --eta 0.1",
		"relu,batch=10,eta=0.1-seed1 relu,batch=10,eta=0.1 --train-limit 500 --preset relu --batch 10 --eta 0.1",
		"conv_1,batch=10,eta=0.030-seed3 conv/1,batch=10,eta=0.030 --train-limit 500 --batch 10 --eta 0.030",
		"conv_1,batch=10,eta=0.030-seed1 conv/1,batch=10,eta=0.030 --train-limit 500 --batch 10 --eta 0.030",
		"conv_1,batch=10,eta=0.1-seed3 conv/1,batch=10,eta=0.1 --train-limit 500 --batch 10 --eta 0.1",
		"conv_1,batch=10,eta=0.1-seed1 conv/1,batch=10,eta=0.1 --train-limit 500 --batch 10 --eta 0.1",
	}
	if !slices.Equal(got, want) {
		t.Errorf("runs:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if d := Dir("/s"); !slices.Equal(d.TrainArgs(p.Runs[1])[8:], []string{"--seed", "1", "--checkpoint", "/s/runs/relu,batch=10,eta=0.030-seed1/checkpoint",
		"--out", "/s/models/relu,batch=10,eta=0.030-seed1.safetensors", "--metrics", "/s/runs/relu,batch=10,eta=0.030-seed1/metrics.jsonl"}) {
		t.Errorf("train args %q", d.TrainArgs(p.Runs[1]))
	}
}

// TestPlanDefaults: no settings, no grid, no seeds is one run of seed 1.
func TestPlanDefaults(t *testing.T) {
	f, err := Parse("s.json", []byte(`{"args": ["--epochs", "1"]}`))
	if err != nil {
		t.Fatal(err)
	}
	p, _ := f.Plan()
	if len(p.Runs) != 1 || p.Runs[0].Name != "default-seed1" || p.Runs[0].Seed != 1 || p.Runs[0].Setting != "default" {
		t.Errorf("%+v", p.Runs)
	}
	f, _ = Parse("s.json", []byte(`{"grid": {"eta": [0.1]}, "seeds": [7]}`))
	p, _ = f.Plan()
	if len(p.Runs) != 1 || p.Runs[0].Name != "eta=0.1-seed7" {
		t.Errorf("%+v", p.Runs)
	}
}

// TestParseRefuses: what a settings file cannot say, each a
// *SettingsError that names the file and the field.
func TestParseRefuses(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{``, "s.json: not a settings file: EOF"},
		{`[1]`, "s.json: not a settings file"},
		{`{"seed": [1]}`, `unknown field "seed"`},
		{`{} {}`, "more than one JSON value"},
		{`{"args": ["--seed", "3"]}`, `s.json: args: --seed: give the seeds as "seeds": [1, 2, 3]`},
		{`{"args": ["--out=x"]}`, "s.json: args: --out: the sweep gives each run its own"},
		{`{"settings": [{"name": "a", "args": ["-checkpoint", "c"]}]}`, `setting "a": --checkpoint`},
		{`{"settings": [{"name": "a"}, {"args": []}]}`, "settings[1]: several settings need a name each"},
		{`{"settings": [{"name": "a/b"}, {"name": "a_b"}]}`, `settings "a/b" and "a_b" would share the file name "a_b"`},
		{`{"grid": {"--eta": [1]}}`, `grid "--eta": not a flag name`},
		{`{"grid": {"metrics": ["m"]}}`, `grid "metrics": --metrics`},
		{`{"grid": {"eta": []}}`, `grid "eta": no values`},
		{`{"grid": {"eta": [null]}}`, "null is not a string, number or boolean"},
		{`{"grid": {"eta": [[1]]}}`, "is not a string, number or boolean"},
		{`{"seeds": [1, 1]}`, "seeds: seed 1 twice"},
		{`{"seeds": [-1]}`, "cannot unmarshal number -1"},
	} {
		_, err := Parse("s.json", []byte(c.in))
		var se *SettingsError
		if !errors.As(err, &se) || se.File != "s.json" || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: %v, want a *SettingsError with %q", c.in, err, c.want)
		}
	}
}

func TestValue(t *testing.T) {
	f, err := Parse("s.json", []byte(`{"grid": {"nesterov": [true, false], "eta": [1e-3], "net": ["fc:10 softmax:10"]}}`))
	if err != nil {
		t.Fatal(err)
	}
	if g := f.Grid; g["nesterov"][0] != "true" || g["eta"][0] != "1e-3" || g["net"][0] != "fc:10 softmax:10" {
		t.Errorf("grid %q", g)
	}
}
