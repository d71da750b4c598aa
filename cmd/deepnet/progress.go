package main

import (
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/deepnet-go/deepnet/train"
)

// progress draws a progress bar for the current epoch on a terminal, at
// most ten times a second; it draws nothing when w is not a terminal.
type progress struct {
	w     io.Writer
	on    bool
	last  time.Time
	drawn bool
}

func newProgress(w io.Writer) *progress {
	p := &progress{w: w}
	if f, ok := w.(*os.File); ok {
		if st, err := f.Stat(); err == nil && st.Mode()&os.ModeCharDevice != 0 {
			p.on = true
		}
	}
	return p
}

func (p *progress) batch(b train.BatchInfo) {
	if !p.on || time.Since(p.last) < 100*time.Millisecond {
		return
	}
	p.last = time.Now()
	const width = 40
	done := (b.Batch + 1) * width / b.Batches
	fmt.Fprintf(p.w, "\repoch %d [%s%s] %3d%%  cost %.4f ", b.Epoch+1,
		strings.Repeat("=", done), strings.Repeat(" ", width-done), (b.Batch+1)*100/b.Batches, b.Cost)
	p.drawn = true
}

// clear erases the bar so that the next line starts clean.
func (p *progress) clear() {
	if p.drawn {
		fmt.Fprintf(p.w, "\r%s\r", strings.Repeat(" ", 72))
		p.drawn = false
	}
}
