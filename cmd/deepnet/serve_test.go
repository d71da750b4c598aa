package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/deepnet-go/deepnet/internal/nettest"
	"github.com/deepnet-go/deepnet/model"
	"github.com/deepnet-go/deepnet/rbm"
)

var servingLine = regexp.MustCompile(`^serving .* on (http://127\.0\.0\.1:[0-9]+/)  \(Ctrl-C stops\)$`)

// serveInProcess runs deepnet serve with args on a free loopback port and
// returns its URL, a function that stops it (as SIGINT does: the
// context ends) and returns its exit status and output.
func serveInProcess(t *testing.T, args ...string) (string, func() (int, string, string)) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	outR, outW := io.Pipe()
	var errOut bytes.Buffer
	code := make(chan int, 1)
	go func() {
		code <- run(ctx, append([]string{"serve", "--addr", "127.0.0.1:0", "--mistakes=false"}, args...), outW, &errOut)
		outW.Close()
	}()
	sc := bufio.NewScanner(outR)
	if !sc.Scan() {
		cancel()
		t.Fatalf("deepnet serve printed nothing: exit %d, %s", <-code, errOut.String())
	}
	m := servingLine.FindStringSubmatch(sc.Text())
	if m == nil {
		cancel()
		t.Fatalf("first line %q", sc.Text())
	}
	var rest strings.Builder
	done := make(chan struct{})
	go func() {
		for sc.Scan() {
			rest.WriteString(sc.Text() + "\n")
		}
		close(done)
	}()
	return m[1], func() (int, string, string) {
		cancel()
		c := <-code
		<-done
		return c, rest.String(), errOut.String()
	}
}

// TestServe serves a classifier, a character model and a deep belief net,
// asks each for its description and an answer, and stops it.
func TestServe(t *testing.T) {
	dir := t.TempDir()
	digits := saveNetwork(t, dir, "digits.safetensors", "conv:4x5x5 maxpool:2 relu fc:10 softmax:10", nil)
	chars := saveSequenceNetwork(t, dir, "chars.safetensors", "embed:256x8 lstm:8:seq softmax:256")
	dbn, err := rbm.NewDBN(rbm.DBNConfig{Sizes: []int{784, 16, 24}, Labels: 10, In: nettest.MNIST, Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	dreams := filepath.Join(dir, "dbn.safetensors")
	if err := rbm.SaveDBN(dreams, dbn, model.Info{}); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		path, kind, ask string
	}{{digits, "digits", "/api/predict"}, {chars, "text", "/api/sample?length=20&seed=1"}, {dreams, "dreams", "/api/dream?label=4&n=3&steps=2"}} {
		url, stop := serveInProcess(t, "--model", c.path, "--workers", "1", "--max-batch", "4")
		res, err := http.Get(url + "api/model")
		if err != nil {
			t.Fatal(err)
		}
		var m struct{ Kind, Name string }
		json.NewDecoder(res.Body).Decode(&m)
		res.Body.Close()
		if m.Kind != c.kind || !strings.HasSuffix(c.path, m.Name) {
			t.Errorf("%s: model %+v", c.path, m)
		}
		if c.kind == "digits" {
			body := `{"pixels": [` + strings.TrimSuffix(strings.Repeat("0.5,", 784), ",") + `]}`
			res, err = http.Post(url+"api/predict", "application/json", strings.NewReader(body))
		} else {
			res, err = http.Get(url + c.ask[1:])
		}
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(res.Body)
		res.Body.Close()
		var dreamt struct{ Images [][]float32 }
		if c.kind == "dreams" {
			json.Unmarshal(b, &dreamt)
		}
		if res.StatusCode != 200 || (c.kind == "text" && len(b) != 20) || (c.kind == "digits" && !bytes.Contains(b, []byte(`"probabilities"`))) ||
			(c.kind == "dreams" && (len(dreamt.Images) != 3 || len(dreamt.Images[2]) != 784)) {
			t.Errorf("%s: %d %q", c.ask, res.StatusCode, b)
		}
		if code, out, errOut := stop(); code != 0 || out != "stopped\n" || errOut != "" {
			t.Errorf("%s: exit %d, %q, %q", c.path, code, out, errOut)
		}
	}
}

// TestServeRefusals: flags it cannot use and models it cannot serve are
// one-line errors before anything listens.
func TestServeRefusals(t *testing.T) {
	dir := t.TempDir()
	good := saveNetwork(t, dir, "good.safetensors", "fc:10 softmax:10", nil)
	odd := saveNetwork(t, dir, "odd.safetensors", "fc:10 relu", nil)
	r, err := rbm.New(rbm.Config{Visible: 784, Hidden: 8, Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	lone := filepath.Join(dir, "rbm.safetensors")
	if err := rbm.Save(lone, r, model.Info{}); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{}, 1, "--model FILE is required"},
		{[]string{"--model", dir + "/none.safetensors"}, 1, "no such file"},
		{[]string{"--model", good, "--max-batch", "0"}, 1, "--max-batch 0: want 1 to 1000"},
		{[]string{"--model", good, "--max-wait", "2s"}, 1, "--max-wait 2s: want 0s to 1s"},
		{[]string{"--model", good, "--addr", "127.0.0.1:99999"}, 1, "--addr 127.0.0.1:99999"},
		{[]string{"--model", good, "--workers", "0"}, 1, "--workers 0"},
		{[]string{"--model", odd}, 1, "the page shows classifiers of 1×28×28 images"},
		{[]string{"--model", lone}, 1, "holds a restricted Boltzmann machine"},
		{[]string{"--model", good, "extra"}, 2, "unexpected arguments"},
	} {
		code, out, errOut := deepnet(t, append([]string{"serve"}, c.args...)...)
		if code != c.code || out != "" || !strings.Contains(errOut, c.want) || (code == 1 && strings.Count(errOut, "\n") != 1) {
			t.Errorf("serve %v: exit %d, %q, %q; want %d and %q", c.args, code, out, errOut, c.code, c.want)
		}
	}
}

// TestServeSignals: the binary stops cleanly, exit status 0, on SIGINT
// and on SIGTERM.
func TestServeSignals(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary; skipped with -short")
	}
	dir := t.TempDir()
	bin := buildBinary(t, dir)
	path := saveNetwork(t, dir, "m.safetensors", "fc:10 softmax:10", nil)
	for _, sig := range []syscall.Signal{syscall.SIGINT, syscall.SIGTERM} {
		cmd := exec.Command(bin, "serve", "--model", path, "--addr", "127.0.0.1:0", "--mistakes=false")
		stdout, err := cmd.StdoutPipe()
		if err != nil {
			t.Fatal(err)
		}
		var errOut bytes.Buffer
		cmd.Stderr = &errOut
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		sc := bufio.NewScanner(stdout)
		if !sc.Scan() || !servingLine.MatchString(sc.Text()) {
			cmd.Process.Kill()
			t.Fatalf("%v: first line %q, %s", sig, sc.Text(), errOut.String())
		}
		cmd.Process.Signal(sig)
		rest, _ := io.ReadAll(stdout)
		timer := time.AfterFunc(10*time.Second, func() { cmd.Process.Kill() })
		err = cmd.Wait()
		timer.Stop()
		if err != nil || string(rest) != "stopped\n" {
			t.Errorf("%v: %v, %q, %s", sig, err, rest, errOut.String())
		}
	}
}
