package sweep

import (
	"bytes"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/deepnet-go/deepnet/internal/nettest"
	"github.com/deepnet-go/deepnet/model"
	"github.com/deepnet-go/deepnet/nn"
)

func TestStatsOf(t *testing.T) {
	s := StatsOf([]float64{0.97, 0.98, 0.99})
	if s.N != 3 || math.Abs(s.Mean-0.98) > 1e-12 || math.Abs(s.SD-0.01) > 1e-12 || s.Min != 0.97 || s.Max != 0.99 {
		t.Errorf("%+v", s)
	}
	if s := StatsOf([]float64{0.5}); s.SD != 0 || s.Mean != 0.5 {
		t.Errorf("one value: %+v", s)
	}
	if s := StatsOf(nil); s != (Stats{}) {
		t.Errorf("none: %+v", s)
	}
}

// TestReport: two settings of two seeds; one run done in each setting
// and a second done in the first, one started (checkpoint and two epochs
// of metrics), one whose model file is not one: the table, the runs and
// the error.
func TestReport(t *testing.T) {
	d := Dir(t.TempDir())
	p := plan(t, `{"settings": [{"name": "a"}, {"name": "b"}], "seeds": [1, 2]}`)
	if _, err := d.WritePlan(p); err != nil {
		t.Fatal(err)
	}
	net := nettest.New(t, "fc:2 softmax:2", nn.Shape{C: 1, H: 2, W: 2}, 1, 1)
	save := func(r Run, val, test float64) {
		if err := model.Save(d.Model(r), net, model.Info{BestEpoch: 3, ValidationAccuracy: val, TestAccuracy: test}); err != nil {
			t.Fatal(err)
		}
	}
	save(p.Runs[0], 0.9712, 0.9690)
	save(p.Runs[1], 0.9732, 0.9702)
	save(p.Runs[2], 0.9500, 0.9400)
	// Run 3 (b, seed 2) was started: a checkpoint and two epochs.
	for path, text := range map[string]string{d.CheckpointFile(p.Runs[3]): "x", d.Metrics(p.Runs[3]): "{}\n{}\n"} {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	var out bytes.Buffer
	if err := WriteReport(&out, d.Status(p), true); err != nil {
		t.Fatal(err)
	}
	want := `setting   runs  validation %     test %           test min-max
a          2/2  97.22 ± 0.14     96.96 ± 0.08     96.90-97.02
b          1/2  95.00            94.00            94.00-94.00
(mean ± standard deviation over the seeds done; each run's accuracies are those of the epoch it selected on validation)
run 0 a-seed1: done, epoch 3 selected: validation 97.12%, test 96.90%
run 1 a-seed2: done, epoch 3 selected: validation 97.32%, test 97.02%
run 2 b-seed1: done, epoch 3 selected: validation 95.00%, test 94.00%
run 3 b-seed2: started, 2 epochs done (training, or stopped and will resume)
`
	if out.String() != want {
		t.Errorf("report:\n%s\nwant:\n%s", out.String(), want)
	}

	// A model file that is not one: reported, and the error names it.
	if err := os.WriteFile(d.Model(p.Runs[1]), []byte("not a model"), 0o644); err != nil {
		t.Fatal(err)
	}
	out.Reset()
	err := WriteReport(&out, d.Status(p), false)
	if err == nil || !strings.Contains(err.Error(), "run 1 a-seed2: ") || !strings.Contains(out.String(), "\na          1/2  97.12  ") {
		t.Errorf("a bad model file: %v\n%s", err, out.String())
	}
}
