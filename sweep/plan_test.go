package sweep

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func plan(t *testing.T, settings string) *Plan {
	t.Helper()
	f, err := Parse("s.json", []byte(settings))
	if err != nil {
		t.Fatal(err)
	}
	p, err := f.Plan()
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// TestWritePlan: a new directory gets the plan and its subdirectories;
// the same plan again goes on; another plan is refused, and the first
// stays.
func TestWritePlan(t *testing.T) {
	d := Dir(filepath.Join(t.TempDir(), "a", "sweep"))
	p := plan(t, `{"seeds": [1, 2]}`)
	if created, err := d.WritePlan(p); err != nil || !created {
		t.Fatalf("first write: %v, %v", created, err)
	}
	for _, sub := range []string{d.Models(), d.Logs()} {
		if st, err := os.Stat(sub); err != nil || !st.IsDir() {
			t.Errorf("%s: %v", sub, err)
		}
	}
	if created, err := d.WritePlan(plan(t, `{"seeds": [1, 2]}`)); err != nil || created {
		t.Fatalf("the same plan again: %v, %v", created, err)
	}
	_, err := d.WritePlan(plan(t, `{"seeds": [1, 3]}`))
	if !errors.Is(err, ErrOtherSweep) || !strings.Contains(err.Error(), "give another directory") {
		t.Errorf("another plan: %v", err)
	}
	got, err := d.ReadPlan()
	if err != nil || len(got.Runs) != 2 || got.Runs[1].Seed != 2 {
		t.Errorf("read back %+v, %v", got, err)
	}
	if r, err := got.Run(2); err == nil || err.Error() != "run 2: the sweep has runs 0 to 1" {
		t.Errorf("run 2: %+v, %v", r, err)
	}
	// Pending: the runs without a model file.
	if err := os.WriteFile(d.Model(got.Runs[0]), []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	if pend := d.Pending(got); len(pend) != 1 || pend[0].Index != 1 {
		t.Errorf("pending %+v", pend)
	}
}

// TestReadPlanRefuses: plans that are not deepnet's, or that would put a
// run's files outside the directory.
func TestReadPlanRefuses(t *testing.T) {
	d := Dir(t.TempDir())
	for _, c := range []struct{ plan, want string }{
		{`{`, "not a sweep plan"},
		{`{"version": 2, "runs": []}`, "plan version 2"},
		{`{"version": 1, "runs": [{"index": 0, "name": "../../etc"}]}`, "run 0 is not a run"},
		{`{"version": 1, "runs": [{"index": 0, "name": ".."}]}`, "run 0 is not a run"},
		{`{"version": 1, "runs": [{"index": 1, "name": "a"}]}`, "run 0 is not a run"},
	} {
		if err := os.WriteFile(d.PlanFile(), []byte(c.plan), 0o644); err != nil {
			t.Fatal(err)
		}
		if _, err := d.ReadPlan(); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: %v, want %q", c.plan, err, c.want)
		}
	}
	if _, err := Dir(t.TempDir()).ReadPlan(); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("no plan: %v", err)
	}
}
