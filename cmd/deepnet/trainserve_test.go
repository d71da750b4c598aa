package main

import (
	"bufio"
	"bytes"
	"context"
	"io"
	"net/http"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/deepnet-go/deepnet/model"
)

var watchLine = regexp.MustCompile(`^watch    (http://127\.0\.0\.1:[0-9]+/)$`)

// TestTrainServe: train --serve serves the training page while it
// trains; a page that follows the events gets every epoch and the end;
// the model saved is the one the same run saves unwatched.
func TestTrainServe(t *testing.T) {
	dir := mnistDir(t)
	tmp := t.TempDir()
	args := []string{"train", "--net", "conv:4x5x5 maxpool:2 relu fc:20:relu softmax:10", "--epochs", "2",
		"--train-limit", "2000", "--seed", "2", "--data", dir}
	plain, watched := filepath.Join(tmp, "plain.safetensors"), filepath.Join(tmp, "watched.safetensors")
	if code, _, errOut := deepnet(t, append(args, "--out", plain)...); code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}

	outR, outW := io.Pipe()
	var errOut bytes.Buffer
	code := make(chan int, 1)
	go func() {
		code <- run(context.Background(), append(args, "--out", watched, "--serve", "127.0.0.1:0"), outW, &errOut)
		outW.Close()
	}()
	sc := bufio.NewScanner(outR)
	var url string
	for url == "" && sc.Scan() {
		if m := watchLine.FindStringSubmatch(sc.Text()); m != nil {
			url = m[1]
		}
	}
	if url == "" {
		t.Fatalf("no watch line; exit %d, %s", <-code, errOut.String())
	}
	go io.Copy(io.Discard, outR) // the epochs' lines
	res, err := http.Get(url + "api/events")
	if err != nil {
		t.Fatal(err)
	}
	events := map[string]int{}
	ev := bufio.NewScanner(res.Body)
	ev.Buffer(nil, 1<<24)
	for ev.Scan() {
		if name, ok := strings.CutPrefix(ev.Text(), "event: "); ok {
			events[name]++
		}
	}
	res.Body.Close()
	if c := <-code; c != 0 {
		t.Fatalf("exit %d: %s", c, errOut.String())
	}
	if events["hello"] != 1 || events["record"] != 2 || events["mistakes"] != 2 || events["done"] != 1 || events["kernels"] < 2 {
		t.Errorf("events %v", events)
	}
	a, _, err := model.Load(plain)
	if err != nil {
		t.Fatal(err)
	}
	b, _, err := model.Load(watched)
	if err != nil {
		t.Fatal(err)
	}
	for i, p := range a.Params() {
		if !slices.Equal(p.Value.Data, b.Params()[i].Value.Data) {
			t.Fatalf("%s differs when watched", p.Name)
		}
	}
	if _, err := http.Get(url); err == nil {
		t.Error("the page still answers after training")
	}
}

// TestTrainServeRefusesAddress: an address --serve cannot listen on is
// reported before any data are read.
func TestTrainServeRefusesAddress(t *testing.T) {
	checkOneLineError(t, []string{"train", "--data", t.TempDir(), "--serve", "127.0.0.1:99999"}, []string{"--serve 127.0.0.1:99999"})
	checkOneLineError(t, []string{"train", "--data", t.TempDir(), "--serve", "nonsense"}, []string{"--serve nonsense", "missing port"})
}
