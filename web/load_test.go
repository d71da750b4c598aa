package web

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// loadResult is one bounded load run.
type loadResult struct {
	clients, requests, errors int
	elapsed                   time.Duration
	p50, p99                  time.Duration
	firstErr                  error
}

func (r loadResult) rate() float64 { return float64(r.requests) / r.elapsed.Seconds() }

// runLoad posts body (of content type ct) to url requests times from
// clients concurrent clients, and measures each request's latency.
func runLoad(url, ct string, body []byte, clients, requests int) loadResult {
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: clients}, Timeout: 30 * time.Second}
	defer client.CloseIdleConnections()
	lat := make([]time.Duration, requests)
	var next atomic.Int64
	var mu sync.Mutex
	r := loadResult{clients: clients, requests: requests}
	var wg sync.WaitGroup
	start := time.Now()
	for range clients {
		wg.Go(func() {
			for {
				i := int(next.Add(1)) - 1
				if i >= requests {
					return
				}
				t0 := time.Now()
				res, err := client.Post(url, ct, bytes.NewReader(body))
				if err == nil {
					_, err = io.Copy(io.Discard, res.Body)
					res.Body.Close()
					if err == nil && res.StatusCode != http.StatusOK {
						err = fmt.Errorf("status %d", res.StatusCode)
					}
				}
				lat[i] = time.Since(t0)
				if err != nil {
					mu.Lock()
					r.errors++
					if r.firstErr == nil {
						r.firstErr = err
					}
					mu.Unlock()
				}
			}
		})
	}
	wg.Wait()
	r.elapsed = time.Since(start)
	slices.Sort(lat)
	r.p50, r.p99 = lat[requests/2], lat[requests*99/100]
	return r
}

// TestLoad is a bounded load test on loopback: the chapter's relu network
// (its weights random: the work is the same) behind Serve, fixed numbers
// of predictions from 1, 16 and 32 concurrent clients, each run stopping
// by itself; every request must succeed. It logs requests per second and
// the median and 99th-percentile latency (go test ./web -run TestLoad -v;
// DEEPNET_LOAD=full adds PNG bodies and batching without a wait).
func TestLoad(t *testing.T) {
	digit := testDigits(t)[7*784 : 8*784]
	bodies := map[string][]byte{"application/json": pixelsJSON(t, digit), "image/png": digitPNG(t, digit, 10)}
	type run struct {
		ct                string
		clients, requests int
		wait              time.Duration
	}
	runs := []run{{"application/json", 1, 500, 0}, {"application/json", 16, 2000, 0}, {"application/json", 32, 2000, 0}}
	if os.Getenv("DEEPNET_LOAD") == "full" {
		runs = append(runs, run{"application/json", 1, 500, -1}, run{"application/json", 16, 2000, -1},
			run{"image/png", 1, 500, 0}, run{"image/png", 16, 2000, 0}, run{"image/png", 32, 2000, 0})
	}
	for _, c := range runs {
		s, err := New(Config{Net: newNet(t, reluSpec, 32), MaxWait: c.wait})
		if err != nil {
			t.Fatal(err)
		}
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		ctx, cancel := context.WithCancel(context.Background())
		served := make(chan error, 1)
		go func() { served <- Serve(ctx, ln, s) }()
		r := runLoad("http://"+ln.Addr().String()+"/api/predict", c.ct, bodies[c.ct], c.clients, c.requests)
		cancel()
		if err := <-served; err != nil {
			t.Error(err)
		}
		s.Close()
		batches, examples := s.Batches()
		wait := "wait ≤ 2ms"
		if c.wait < 0 {
			wait = "no wait"
		}
		t.Logf("load: %-16s %2d clients, %s: %4d requests in %5.2fs: %5.0f req/s, p50 %5.2fms, p99 %5.2fms, mean batch %4.1f, %d errors",
			c.ct, c.clients, wait, r.requests, r.elapsed.Seconds(), r.rate(), ms(r.p50), ms(r.p99), float64(examples)/float64(batches), r.errors)
		if r.errors > 0 {
			t.Errorf("%d of %d requests failed; the first: %v", r.errors, r.requests, r.firstErr)
		}
	}
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

// BenchmarkReluForward is one forward pass of the relu network at
// inference, per batch of 1, 16 and 32: what the batcher saves per example
// by running requests together.
func BenchmarkReluForward(b *testing.B) {
	for _, n := range []int{1, 16, 32} {
		b.Run(fmt.Sprintf("batch=%d", n), func(b *testing.B) {
			net := newNet(b, reluSpec, n)
			x := make([]float32, n*784)
			for i := range x {
				x[i] = float32(i%13) / 13
			}
			for b.Loop() {
				net.Forward(x, n, false)
			}
			b.ReportMetric(float64(b.Elapsed().Microseconds())/float64(b.N*n), "µs/example")
		})
	}
}
