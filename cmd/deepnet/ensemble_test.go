package main

import (
	"fmt"
	"path/filepath"
	"reflect"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/deepnet-go/deepnet/model"
)

// TestEnsembleSaveAndResume trains a two-member ensemble with --save, checks
// that member 2 and its training info equal `deepnet train --seed 8`'s (so
// members can be trained one by one, with checkpoints), and that running
// the command again loads the saved members instead of training them and
// votes the same.
func TestEnsembleSaveAndResume(t *testing.T) {
	dir := mnistDir(t)
	save := filepath.Join(t.TempDir(), "members")
	flags := []string{"--net", "conv:4x5x5 maxpool:2 relu dropout:0.2:network3 fc:20:relu softmax:10", "--epochs", "1",
		"--train-limit", "1000", "--eta", "0.1", "--seed", "7", "--data", dir}
	args := append([]string{"ensemble", "--members", "2", "--save", save}, flags...)
	code, out1, errOut := deepnet(t, args...)
	if code != 0 || strings.Contains(out1, "saved before") {
		t.Fatalf("exit %d\n%s\n%s", code, out1, errOut)
	}
	single := filepath.Join(t.TempDir(), "seed8.safetensors")
	trainArgs := append([]string{"train", "--out", single}, flags...)
	trainArgs[len(trainArgs)-3] = "8" // --seed 8
	if code, out, errOut := deepnet(t, trainArgs...); code != 0 {
		t.Fatalf("train: exit %d\n%s\n%s", code, out, errOut)
	}
	a, ia, err := model.Load(single)
	if err != nil {
		t.Fatal(err)
	}
	b, ib, err := model.Load(filepath.Join(save, "member-8.safetensors"))
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(ia, ib) || ib.Seed != 8 || ib.Data != "mnist-1000" {
		t.Errorf("member 2 says it was trained as %+v, train --seed 8 as %+v", ib, ia)
	}
	for i, p := range a.Params() {
		if !reflect.DeepEqual(p.Value.Data, b.Params()[i].Value.Data) {
			t.Fatalf("member 2 differs from train --seed 8 in %s", p.Name)
		}
	}
	code, out2, errOut := deepnet(t, args...)
	if code != 0 || strings.Count(out2, "saved before") != 2 {
		t.Fatalf("second run: exit %d\n%s\n%s", code, out2, errOut)
	}
	final := regexp.MustCompile(`ensemble of 2 .*`)
	if f1, f2 := final.FindString(out1), final.FindString(out2); f1 == "" || f1 != f2 {
		t.Errorf("ensemble lines differ: %q and %q", f1, f2)
	}
	checkChosenOnValidation(t, dir, filepath.Join(save, "member-7.safetensors"), filepath.Join(save, "member-8.safetensors"))
	checkViewsAgree(t, dir, filepath.Join(save, "member-7.safetensors"))
	// A saved member of another network is an error.
	other := append([]string{"ensemble", "--members", "2", "--save", save, "--net", "fc:20:relu softmax:10"}, flags[2:]...)
	if code, _, errOut := deepnet(t, other...); code != 1 || !strings.Contains(errOut, "holds the network") {
		t.Errorf("another network: exit %d, stderr %q", code, errOut)
	}
}

// checkChosenOnValidation evaluates saved members with --method validation
// and checks that the ensemble line reports the method of the higher
// validation accuracy (vote on a tie) with that method's numbers.
func checkChosenOnValidation(t *testing.T, dir string, files ...string) {
	t.Helper()
	code, out, errOut := deepnet(t, append([]string{"ensemble", "--method", "validation", "--data", dir}, files...)...)
	if code != 0 {
		t.Fatalf("--method validation: exit %d\n%s\n%s", code, out, errOut)
	}
	line := map[string][]string{}
	for _, m := range []string{"vote", "average"} {
		line[m] = regexp.MustCompile(`(?m)^` + m + `: validation ([0-9.]+)%  test ([0-9.]+)%$`).FindStringSubmatch(out)
		if line[m] == nil {
			t.Fatalf("no %s line:\n%s", m, out)
		}
	}
	want := "vote"
	if percent(t, line["average"][1]) > percent(t, line["vote"][1]) {
		want = "average"
	}
	final := fmt.Sprintf("ensemble of %d (%s, chosen on validation): validation %s%%  test accuracy %s%%",
		len(files), want, line[want][1], line[want][2])
	if !strings.Contains(out, final) {
		t.Errorf("want %q in:\n%s", final, out)
	}
	if code, _, errOut := deepnet(t, "ensemble", "--method", "median", "--data", dir, files[0]); code != 1 || !strings.Contains(errOut, "or validation") {
		t.Errorf("--method median: exit %d, stderr %q", code, errOut)
	}
}

func percent(t *testing.T, s string) float64 {
	t.Helper()
	v, err := strconv.ParseFloat(s, 64)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// checkViewsAgree evaluates a saved network through the one-pixel shifts
// (--tta shifts) as a one-member ensemble and with eval, two paths to the
// same numbers.
func checkViewsAgree(t *testing.T, dir, file string) {
	t.Helper()
	code, out, errOut := deepnet(t, "ensemble", "--tta", "shifts", "--data", dir, file)
	m := regexp.MustCompile(`(?m)^member 1: validation ([0-9.]+)%  test ([0-9.]+)%$`).FindStringSubmatch(out)
	if code != 0 || m == nil || !strings.Contains(out, "views    5 per image") {
		t.Fatalf("ensemble --tta shifts: exit %d\n%s\n%s", code, out, errOut)
	}
	code, ev, errOut := deepnet(t, "eval", "--tta", "shifts", "--data", dir, "--model", file)
	if code != 0 {
		t.Fatalf("eval --tta shifts: exit %d\n%s\n%s", code, ev, errOut)
	}
	for i, what := range []string{"validation", "test"} {
		if !strings.Contains(ev, what+" accuracy "+m[i+1]+"%") {
			t.Errorf("ensemble --tta says %s %s%%, eval --tta does not:\n%s", what, m[i+1], ev)
		}
	}
}
