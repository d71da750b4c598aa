package web

import (
	"bufio"
	"context"
	"encoding/json"
	"net"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/deepnet-go/deepnet/internal/nettest"
	"github.com/deepnet-go/deepnet/nn"
	"github.com/deepnet-go/deepnet/train"
)

const liveSpec = "conv:4x5x5 maxpool:2 relu fc:16:relu dropout:0.2 softmax:4"

// trainSynthetic trains liveSpec on synthetic digits for 3 epochs, with
// hooks when given, and returns the network.
func trainSynthetic(t *testing.T, hooks func(net *nn.Network, cfg *train.Config)) *nn.Network {
	t.Helper()
	d := synthetic(800, 1)
	net := nettest.New(t, liveSpec, nettest.MNIST, 100, 1)
	cfg := train.Config{Epochs: 3, Batch: 10, Eta: 0.05, Momentum: 0.9, Seed: 1, KeepBest: true}
	if hooks != nil {
		hooks(net, &cfg)
	}
	if _, err := train.Run(context.Background(), net, d, cfg); err != nil {
		t.Fatal(err)
	}
	return net
}

// event is one Server-Sent Event.
type event struct {
	name string
	data []byte
}

// readEvents reads the events of an SSE stream until "done" or its end.
func readEvents(t *testing.T, url string) []event {
	res, err := http.Get(url)
	if err != nil {
		t.Error(err)
		return nil
	}
	defer res.Body.Close()
	if ct := res.Header.Get("Content-Type"); ct != "text/event-stream" {
		t.Errorf("Content-Type %q", ct)
	}
	var out []event
	var ev event
	sc := bufio.NewScanner(res.Body)
	sc.Buffer(nil, 1<<24)
	for sc.Scan() {
		line := sc.Text()
		switch {
		case strings.HasPrefix(line, "event: "):
			ev.name = strings.TrimPrefix(line, "event: ")
		case strings.HasPrefix(line, "data: "):
			ev.data = []byte(strings.TrimPrefix(line, "data: "))
		case line == "":
			out = append(out, ev)
			if ev.name == "done" {
				return out
			}
			ev = event{}
		}
	}
	return out
}

// TestLiveChangesNoWeight: training watched by a Live, with a page
// following its events throughout, ends in the same weights, bit for bit,
// as training alone; and the page got the hello, every epoch's record,
// the curve, the kernels and the mistakes, then done.
func TestLiveChangesNoWeight(t *testing.T) {
	alone := trainSynthetic(t, nil)
	var live *Live
	events := make(chan []event, 1)
	watched := trainSynthetic(t, func(net *nn.Network, cfg *train.Config) {
		d := synthetic(800, 1).Validation
		var err error
		live, err = NewLive(LiveConfig{Net: net, Title: "test", Epochs: cfg.Epochs, Digits: &Digits{Images: d.Images, Labels: d.Labels}, DigitsName: "validation"})
		if err != nil {
			t.Fatal(err)
		}
		cfg.OnBatch, cfg.OnEpoch = live.OnBatch, live.OnEpoch
		ts := httptest.NewServer(live)
		t.Cleanup(ts.Close)
		go func() { events <- readEvents(t, ts.URL+"/api/events") }()
		time.Sleep(50 * time.Millisecond) // let the page connect first
	})
	live.Finish(nil)
	for i, p := range alone.Params() {
		if !slices.Equal(p.Value.Data, watched.Params()[i].Value.Data) {
			t.Fatalf("%s differs when watched", p.Name)
		}
	}
	var names []string
	for _, e := range <-events {
		names = append(names, e.name)
		if !json.Valid(e.data) {
			t.Errorf("%s: %q is not JSON", e.name, e.data)
		}
		if e.name == "mistakes" {
			var m MistakesJSON
			decode(t, e.data, &m)
			if m.Tested != 200 || m.Wrong != len(m.Digits) {
				t.Errorf("mistakes: %d of %d wrong, %d shown", m.Wrong, m.Tested, len(m.Digits))
			}
		}
	}
	for _, want := range []string{"hello", "points", "record", "kernels", "mistakes", "done"} {
		if !slices.Contains(names, want) {
			t.Errorf("no %q among the events %v", want, names)
		}
	}
	if names[0] != "hello" || names[len(names)-1] != "done" || count(names, "record") != 3 || count(names, "mistakes") != 3 {
		t.Errorf("events %v", names)
	}
}

func count(s []string, v string) int {
	n := 0
	for _, x := range s {
		if x == v {
			n++
		}
	}
	return n
}

// TestServeShutsDown: Serve answers until its context is done, then ends
// the streams and returns nil.
func TestServeShutsDown(t *testing.T) {
	live, err := NewLive(LiveConfig{Net: nettest.New(t, liveSpec, nettest.MNIST, 1, 1), Epochs: 1})
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	served := make(chan error, 1)
	go func() { served <- Serve(ctx, ln, live) }()
	url := "http://" + ln.Addr().String()
	if code, b := get(t, url+"/api/live"); code != 200 || !strings.Contains(string(b), `"epochs":1`) {
		t.Fatalf("%d %q", code, b)
	}
	streamed := make(chan []event, 1)
	go func() { streamed <- readEvents(t, url+"/api/events") }()
	time.Sleep(100 * time.Millisecond)
	start := time.Now()
	cancel()
	if err := <-served; err != nil {
		t.Errorf("Serve: %v", err)
	}
	var names []string
	for _, e := range <-streamed { // ended by the shutdown
		names = append(names, e.name)
	}
	if !slices.Equal(names, []string{"hello", "kernels"}) {
		t.Errorf("events %v", names)
	}
	if took := time.Since(start); took > time.Second {
		t.Errorf("shutting down took %v", took)
	}
	if _, err := http.Get(url + "/"); err == nil {
		t.Error("still answering after shutdown")
	}
}
