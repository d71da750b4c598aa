package web

import (
	"context"
	"fmt"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/input"
	"github.com/chromedp/chromedp"

	"github.com/deepnet-go/deepnet/internal/nettest"
	"github.com/deepnet-go/deepnet/nn"
	"github.com/deepnet-go/deepnet/train"
)

// The browser tests drive headless Chromium through the DevTools protocol
// (chromedp, a test-only dependency). They look for it at $DEEPNET_CHROMIUM
// or /usr/bin/chromium (Debian's chromium package, which .ci/run
// installs) and skip without it. Screenshots go to $DEEPNET_SCREENSHOTS
// (created if missing), else to the test's temporary directory, which is
// removed after the test; the log names each one.

// browser starts headless Chromium and returns a chromedp context for
// one tab, or skips the test when there is no Chromium.
func browser(t *testing.T) context.Context {
	t.Helper()
	path := os.Getenv("DEEPNET_CHROMIUM")
	if path == "" {
		path = "/usr/bin/chromium"
	}
	if _, err := os.Stat(path); err != nil {
		t.Skipf("no headless browser: %s is missing (apt-get install chromium, or set $DEEPNET_CHROMIUM); CI's .ci/run installs it and runs this test", path)
	}
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(path),
		chromedp.NoSandbox,
		chromedp.Flag("disable-gpu", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("no-first-run", true),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(1400, 1000),
	)
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancel := chromedp.NewContext(actx)
	t.Cleanup(func() { cancel(); cancelAlloc() })
	if err := chromedp.Do(ctx); err != nil { // starts the browser
		t.Fatalf("starting %s: %v", path, err)
	}
	return ctx
}

// within runs the actions with a deadline, failing the test on an error.
func within(t *testing.T, ctx context.Context, what string, actions ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	tctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	if err := chromedp.Do(tctx, actions...); err != nil {
		status, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`document.getElementById('status').textContent`))
		t.Fatalf("%s: %v (the page's status: %q)", what, err, status)
	}
}

// eval evaluates a JavaScript expression in the page.
func eval[T any](t *testing.T, ctx context.Context, expr string) T {
	t.Helper()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[T](expr))
	if err != nil {
		t.Fatalf("%s: %v", expr, err)
	}
	return v
}

// screenshot writes the whole page as name (a PNG) and logs where.
func screenshot(t *testing.T, ctx context.Context, name string) {
	t.Helper()
	dir := os.Getenv("DEEPNET_SCREENSHOTS")
	if dir == "" {
		dir = t.TempDir()
	} else if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	// The viewport as tall as the page: Chromium draws what lies below
	// the viewport unreliably.
	h := eval[int](t, ctx, `document.documentElement.scrollHeight`)
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(1400, int64(h))); err != nil {
		t.Fatal(err)
	}
	png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, name)
	if err := os.WriteFile(path, png, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("screenshot: %s", path)
}

// stroke drags the mouse from (x0, y0) to (x1, y1) in steps, as a hand
// would, with the left button down.
func stroke(x0, y0, x1, y1 float64) chromedp.Action[chromedp.Void] {
	down := func(p *input.DispatchMouseEventParams) { p.Buttons = 1 }
	steps := []chromedp.Action[chromedp.Void]{chromedp.MouseEvent(chromedp.MousePressed, x0, y0, chromedp.ButtonLeft, down)}
	for i := 1; i <= 20; i++ {
		f := float64(i) / 20
		steps = append(steps, chromedp.MouseEvent(chromedp.MouseMoved, x0+f*(x1-x0), y0+f*(y1-y0), chromedp.ButtonLeft, down))
	}
	return chromedp.Steps(append(steps, chromedp.MouseEvent(chromedp.MouseReleased, x1, y1, chromedp.ButtonLeft))...)
}

// layerPanel is what the page drew for one layer.
type layerPanel struct {
	Title    string
	Canvases int
	Width    int // of the first canvas, in canvas pixels
	Inked    int // canvases with a pixel that is not white
}

// TestBrowserDrawDigit draws a stroke on the page's pad in headless
// Chromium and reads the prediction, the ten probabilities, the input as
// the network saw it, every layer's maps, a unit's receptive field and
// the model's mistakes off the page; then it screenshots the page.
func TestBrowserDrawDigit(t *testing.T) {
	ctx := browser(t)
	net, info, test := trainedNet(t)
	s, err := New(Config{Net: net, Info: info, Path: "small.safetensors",
		Test: func() (*Digits, error) { return &Digits{Images: test.Images, Labels: test.Labels}, nil }})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	ts := httptest.NewServer(s)
	defer ts.Close()

	within(t, ctx, "loading the page", chromedp.Navigate(ts.URL),
		chromedp.Poll[chromedp.Void](`document.querySelectorAll('#layers .layer').length > 0`))
	box := eval[[]float64](t, ctx, `(() => { const r = $('pad').getBoundingClientRect(); return [r.left, r.top, r.width, r.height]; })()`)
	x, y, w, h := box[0], box[1], box[2], box[3]
	// A "1": a stroke down the middle of the pad.
	within(t, ctx, "drawing", stroke(x+0.52*w, y+0.15*h, x+0.48*w, y+0.85*h),
		chromedp.Poll[chromedp.Void](`$('digit').textContent !== '?' && $('status').textContent !== '…'`))

	digit := eval[string](t, ctx, `$('digit').textContent`)
	probs := eval[[]float64](t, ctx, `Array.from(document.querySelectorAll('#bars .bar'), (b) => +b.dataset.p)`)
	best, sum := 0, 0.0
	for k, p := range probs {
		sum += p
		if p > probs[best] {
			best = k
		}
	}
	if len(probs) != 10 || sum < 0.999 || sum > 1.001 || digit != fmt.Sprint(best) {
		t.Fatalf("the page shows %q and probabilities %v", digit, probs)
	}
	if digit != "1" {
		t.Errorf("a vertical stroke read as %s (probabilities %v)", digit, probs)
	}
	seen := eval[int](t, ctx, `Digits.input.filter((v) => v > 0.5).length`)
	if seen < 20 {
		t.Errorf("the input as the network saw it has %d inked pixels", seen)
	}

	panels := eval[[]layerPanel](t, ctx, `Array.from(document.querySelectorAll('#layers .layer'), (p) => {
		const cs = Array.from(p.querySelectorAll('canvas'));
		const inked = cs.filter((c) => c.getContext('2d').getImageData(0, 0, c.width, c.height).data.some((v, i) => i % 4 !== 3 && v < 250)).length;
		return { Title: p.querySelector('h3').textContent, Canvases: cs.length, Width: cs[0].width, Inked: inked };
	})`)
	want := []layerPanel{{"1 conv:8x5x5", 8, 24, 1}, {"2 maxpool:2", 8, 12, 1}, {"3 relu", 8, 12, 1}, {"4 fc:32", 1, 6, 1}, {"5 relu", 1, 6, 1}, {"6 softmax:10", 1, 4, 1}}
	if len(panels) != len(want) {
		t.Fatalf("layer panels %+v", panels)
	}
	for i, p := range panels {
		if p.Title != want[i].Title || p.Canvases != want[i].Canvases || p.Width != want[i].Width || p.Inked < 1 {
			t.Errorf("layer panel %+v, want %+v with ink", p, want[i])
		}
	}

	// Hover over unit (10, 10) of the first map of layer 2 (maxpool): it
	// sees rows 20-25 and columns 20-25 of the input.
	cv := eval[[]float64](t, ctx, `(() => {
		const c = document.querySelectorAll('#layers .layer')[1].querySelector('canvas');
		c.scrollIntoView({ block: 'center' });
		const r = c.getBoundingClientRect();
		return [r.left, r.top, r.width];
	})()`)
	unit := cv[2] / 12
	within(t, ctx, "hovering", chromedp.MouseEvent(chromedp.MouseMoved, cv[0]+10.5*unit, cv[1]+10.5*unit),
		chromedp.Poll[chromedp.Void](`$('hover-info').textContent.includes('sees rows')`))
	// The field is drawn over the input: the overlay's pixel at the middle
	// of input pixel (22, 22) is orange, at (5, 5) clear.
	if px := eval[[]int](t, ctx, `(() => { const c = $('field').getContext('2d'); return [...c.getImageData(225, 225, 1, 1).data, ...c.getImageData(55, 55, 1, 1).data]; })()`); px[3] == 0 || px[0] < px[2] || px[7] != 0 {
		t.Errorf("the receptive field's overlay: RGBA %v inside, %v outside", px[:4], px[4:])
	}
	if info := eval[string](t, ctx, `$('hover-info').textContent`); !strings.Contains(info, "unit (10, 10)") || !strings.Contains(info, "sees rows 20–25, columns 20–25") {
		t.Errorf("hover: %q", info)
	}

	within(t, ctx, "the mistakes and kernels",
		chromedp.Poll[chromedp.Void](`document.querySelectorAll('#mistakes .mistake').length > 0 && document.querySelectorAll('#kernels canvas').length === 1`))
	if note := eval[string](t, ctx, `$('mistakes-note').textContent`); !strings.Contains(note, "of 1000 test digits wrong") {
		t.Errorf("mistakes: %q", note)
	}
	screenshot(t, ctx, "digits-page.png")
}

// TestBrowserSampleText: a character model's page streams a sample into
// the page.
func TestBrowserSampleText(t *testing.T) {
	ctx := browser(t)
	net := nettest.New(t, "embed:256x8 lstm:16:seq softmax:256", nn.Shape{C: 1, H: 1, W: 1, Flat: true, T: 20}, 4, 1)
	nettest.Randomize(net, 3, 0.5)
	s, err := New(Config{Net: net})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	ts := httptest.NewServer(s)
	defer ts.Close()
	within(t, ctx, "sampling", chromedp.Navigate(ts.URL),
		chromedp.Poll[chromedp.Void](`!$('text-view').hidden`),
		chromedp.Evaluate[chromedp.Void](`$('prime').value = 'Once'; $('length').value = '300'; $('seed').value = '7'; $('sample').click()`),
		chromedp.Poll[chromedp.Void](`$('status').textContent === 'done'`))
	got := eval[string](t, ctx, `$('sample-out').textContent`)
	if !strings.HasPrefix(got, "Once") || len(got) < 4+100 {
		t.Errorf("sample %q", got)
	}
	screenshot(t, ctx, "text-page.png")
}

// TestBrowserLive: the training page draws a run's curves, kernels and
// mistakes from its events (a run of 4 epochs on 5,000 MNIST digits,
// watched from its end).
func TestBrowserLive(t *testing.T) {
	ctx := browser(t)
	d := mnistSubsets(t)
	net := newTrainable(t)
	cfg := train.Config{Epochs: 4, Batch: 10, Eta: 0.01, Momentum: 0.9, Seed: 2, KeepBest: true}
	live, err := NewLive(LiveConfig{Net: net, Title: "5,000 MNIST digits", Epochs: cfg.Epochs,
		Digits: &Digits{Images: d.Validation.Images, Labels: d.Validation.Labels}, DigitsName: "validation"})
	if err != nil {
		t.Fatal(err)
	}
	cfg.OnBatch, cfg.OnEpoch = live.OnBatch, live.OnEpoch
	_, err = train.Run(context.Background(), net, d, cfg)
	live.Finish(err)
	ts := httptest.NewServer(live)
	defer ts.Close()
	within(t, ctx, "the training page", chromedp.Navigate(ts.URL),
		chromedp.Poll[chromedp.Void](`$('status').textContent === 'training finished' && $('mistakes-note').textContent.includes('validation digits wrong')`))
	legend := eval[string](t, ctx, `$('acc-legend').textContent + ' | ' + $('cost-legend').textContent`)
	if !strings.Contains(legend, "validation: ") || !strings.Contains(legend, "test: ") || !strings.Contains(legend, "cost of the epoch: ") {
		t.Errorf("legends %q", legend)
	}
	inked := eval[int](t, ctx, `(() => { const c = $('acc-chart'); return c.getContext('2d').getImageData(0, 0, c.width, c.height).data.filter((v, i) => i % 4 === 3 && v > 0).length; })()`)
	if inked < 500 {
		t.Errorf("the accuracy chart has %d drawn pixels", inked)
	}
	screenshot(t, ctx, "live-page.png")
}

// TestBrowserDreams: a dreamer's page shows its dreams of the label
// clicked.
func TestBrowserDreams(t *testing.T) {
	ctx := browser(t)
	s, err := New(Config{Dreamer: &fakeDreamer{}})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	ts := httptest.NewServer(s)
	defer ts.Close()
	within(t, ctx, "dreaming", chromedp.Navigate(ts.URL),
		chromedp.Poll[chromedp.Void](`document.querySelectorAll('.dream-label').length === 11`),
		chromedp.Evaluate[chromedp.Void](`document.querySelector('.dream-label[data-label="3"]').click()`),
		chromedp.Poll[chromedp.Void](`document.querySelectorAll('#dreams canvas').length === 10`))
	// Pixels of 0.2 (+ the image's index/1000) are drawn at grey 255·0.8.
	grey := eval[[]int](t, ctx, `Array.from(document.querySelectorAll('#dreams canvas'), (c) => c.getContext('2d').getImageData(5, 5, 1, 1).data[0])`)
	for i, g := range grey {
		if g < 202 || g > 205 {
			t.Errorf("dream %d drawn at grey %d, want 204", i, g)
		}
	}
	screenshot(t, ctx, "dreams-page.png")
}
