package main

import (
	"bufio"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestGradients measures a recurrent and a feed-forward network over two
// windows: a line per recurrent layer and bias, a record per window in
// the metrics file with a norm per time step, and a picture.
func TestGradients(t *testing.T) {
	dir := mnistDir(t)
	tmp := t.TempDir()
	png, metrics := filepath.Join(tmp, "g.png"), filepath.Join(tmp, "g.jsonl")
	code, out, errOut := deepnet(t, "gradients", "--data", dir, "--train-limit", "300", "--batch", "10", "--at", "2,5",
		"--plot", png, "--metrics", metrics, "rows rnn:8 softmax:10", "fc:6:sigmoid fc:6:sigmoid softmax:10")
	if code != 0 {
		t.Fatalf("exit %d\n%s\n%s", code, out, errOut)
	}
	for _, want := range []string{"network rows rnn:8 softmax:10, mini-batches 1-2", "mini-batches 3-5", "recurrent 1 layer 1: ‖∂C/∂h_t‖ t=1", "‖∂C/∂b‖ 0.bias", "wrote"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	if st, err := os.Stat(png); err != nil || st.Size() == 0 {
		t.Errorf("no picture: %v", err)
	}
	f, err := os.Open(metrics)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var recs []gradientRecord
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		var r gradientRecord
		if err := json.Unmarshal(sc.Bytes(), &r); err != nil {
			t.Fatal(err)
		}
		recs = append(recs, r)
	}
	if len(recs) != 4 || len(recs[0].States) != 1 || len(recs[0].States[0][0]) != 28 || recs[1].From != 3 || len(recs[2].States) != 0 || len(recs[2].Biases) != 3 {
		t.Fatalf("records %+v", recs)
	}
	checkOneLineError(t, []string{"gradients", "--at", "5,2", "rows rnn:8 softmax:10"}, []string{"--at \"5,2\": want increasing"})
	checkOneLineError(t, []string{"gradients"}, []string{"no network given"})
}
