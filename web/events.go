package web

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"time"
)

// handleEvents answers GET /api/events with a stream of Server-Sent
// Events: "hello" (title, spec, epochs), then as the run goes "points"
// (new points of the cost curve), "record" (an epoch's record, as
// --metrics writes it), "kernels", "mistakes", and at the end "done"
// ({"error": ...} when the run failed). A client that connects late gets
// everything so far first.
func (l *Live) handleEvents(w http.ResponseWriter, r *http.Request) {
	h := w.Header()
	h.Set("Content-Type", "text/event-stream")
	h.Set("Cache-Control", "no-store")
	w.WriteHeader(http.StatusOK)
	rc := http.NewResponseController(w)
	stop, gone := stopping(r), r.Context().Done()
	var buf bytes.Buffer
	event := func(name string, v any) {
		b, err := json.Marshal(v)
		if err != nil {
			b, _ = json.Marshal(errorJSON{err.Error()})
		}
		fmt.Fprintf(&buf, "event: %s\ndata: %s\n\n", name, b)
	}
	points, records, version := 0, 0, [2]int{-1, -1}
	last := false // the server is stopping: send what is new, and end
	for first := true; ; first = false {
		l.mu.Lock()
		st, v, changed := l.state, l.version, l.changed
		l.mu.Unlock()
		// st's slices only grow and their elements never change, so they
		// may be read after the lock is released.
		if first {
			event("hello", map[string]any{"title": st.Title, "spec": st.Spec, "epochs": st.Epochs, "digits_name": st.DigitsName})
		}
		if len(st.Points) > points {
			event("points", st.Points[points:])
			points = len(st.Points)
		}
		for ; records < len(st.Records); records++ {
			event("record", st.Records[records])
		}
		if v[0] != version[0] && st.Kernels != nil {
			event("kernels", st.Kernels)
		}
		if v[1] != version[1] && st.Mistakes != nil {
			event("mistakes", st.Mistakes)
		}
		version = v
		if st.Done {
			event("done", errorJSON{st.Error})
		}
		rc.SetWriteDeadline(time.Now().Add(WriteTimeout))
		if _, err := w.Write(buf.Bytes()); err != nil || rc.Flush() != nil || st.Done || last {
			return
		}
		buf.Reset()
		select {
		case <-changed:
		case <-gone:
			return
		case <-stop:
			last = true
		}
	}
}
