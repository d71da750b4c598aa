package nn

import "testing"

// TestWindowAgreesWithPlan: a layer whose spec is a Window makes output
// pixel (i, j) from the window at (i·SH, j·SW), so its planned output is
// (H−KH)/SH+1 by (W−KW)/SW+1; every other layer that outputs images keeps
// its input's height and width (which is what a picture of receptive
// fields assumes of it).
func TestWindowAgreesWithPlan(t *testing.T) {
	for _, text := range []string{
		reluSpec,
		"conv:4x3x3/2 batchnorm l2pool:2x3 tanh avgpool:1 dropout:0.5 fc:30 batchnorm sigmoid softmax:7",
		"conv:3x4x2 maxpool:3x2 conv:2x2x3/3 relu fc:5 softmax:2",
	} {
		s, err := ParseSpec(text)
		if err != nil {
			t.Fatal(err)
		}
		plans, err := Plan(s, Shape{C: 2, H: 28, W: 27})
		if err != nil {
			t.Fatal(err)
		}
		windows := 0
		for _, p := range plans {
			if p.Out.Flat || p.Out.T > 0 {
				continue
			}
			w, ok := p.Spec.(Window)
			if !ok {
				if p.Out.H != p.In.H || p.Out.W != p.In.W {
					t.Errorf("%s: %s maps %s to %s without a Window", text, p.Spec, p.In, p.Out)
				}
				continue
			}
			windows++
			kh, kw, sh, sw := w.Window()
			if kh < 1 || kw < 1 || sh < 1 || sw < 1 {
				t.Fatalf("%s: %s: window %d×%d step %d×%d", text, p.Spec, kh, kw, sh, sw)
			}
			if h, wd := (p.In.H-kh)/sh+1, (p.In.W-kw)/sw+1; p.Out.H != h || p.Out.W != wd {
				t.Errorf("%s: %s: window %d×%d step %d×%d on %s gives %d×%d, planned %s", text, p.Spec, kh, kw, sh, sw, p.In, h, wd, p.Out)
			}
		}
		if windows < 2 {
			t.Errorf("%s: %d layers with windows", text, windows)
		}
	}
}
