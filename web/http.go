package web

import (
	"context"
	"embed"
	"errors"
	"io/fs"
	"net"
	"net/http"
	"time"
)

// The HTTP server's bounds (see Serve).
const (
	ReadHeaderTimeout = 5 * time.Second
	// ReadTimeout bounds reading a whole request, body included.
	ReadTimeout = 30 * time.Second
	// WriteTimeout bounds writing an answer; a stream (events, a sample)
	// gets it afresh for each write.
	WriteTimeout = 30 * time.Second
	// IdleTimeout closes a kept-alive connection with no request.
	IdleTimeout = 2 * time.Minute
	// ShutdownTimeout is how long Serve waits, once its context is done,
	// for the requests in progress.
	ShutdownTimeout = 5 * time.Second
	MaxHeaderBytes  = 64 << 10
)

// stoppingKey is the context key of the channel that Serve closes when it
// starts to shut down, which streams watch.
type stoppingKey struct{}

// stopping returns the channel closed when the server of r shuts down
// (nil, never closed, outside Serve).
func stopping(r *http.Request) <-chan struct{} {
	c, _ := r.Context().Value(stoppingKey{}).(chan struct{})
	return c
}

// Serve answers requests on ln with h, with the timeouts above, until ctx
// is done; then it shuts down: it stops accepting connections, ends the
// streams, waits up to ShutdownTimeout for the requests in progress and
// closes ln. It returns nil after a clean shutdown, else the error that
// stopped it.
func Serve(ctx context.Context, ln net.Listener, h http.Handler) error {
	stop := make(chan struct{})
	base := context.WithValue(context.Background(), stoppingKey{}, stop)
	srv := &http.Server{
		Handler:           h,
		ReadHeaderTimeout: ReadHeaderTimeout,
		ReadTimeout:       ReadTimeout,
		WriteTimeout:      WriteTimeout,
		IdleTimeout:       IdleTimeout,
		MaxHeaderBytes:    MaxHeaderBytes,
		BaseContext:       func(net.Listener) context.Context { return base },
	}
	srv.RegisterOnShutdown(func() { close(stop) })
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	sctx, cancel := context.WithTimeout(context.Background(), ShutdownTimeout)
	defer cancel()
	err := srv.Shutdown(sctx)
	if serr := <-errc; !errors.Is(serr, http.ErrServerClosed) && err == nil {
		err = serr
	}
	return err
}

// secure sets the headers of every answer: the page loads nothing from
// elsewhere, is not framed, and no type is sniffed.
func secure(w http.ResponseWriter) {
	h := w.Header()
	h.Set("Content-Security-Policy", "default-src 'self'; img-src 'self' data: blob:; frame-ancestors 'none'")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("X-Frame-Options", "DENY")
	h.Set("Referrer-Policy", "no-referrer")
}

// The page's files, in the binary.
//
//go:embed static
var staticFiles embed.FS

// static serves the page's files, with index at "/". The files are the
// embedded ones alone: http.FileServer refuses paths with "..", and the
// mux cleans the others, so no path reaches outside them.
func static(index string) http.Handler {
	sub, err := fs.Sub(staticFiles, "static")
	if err != nil {
		panic(err)
	}
	files := http.FileServerFS(sub)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			w.Header().Set("Allow", "GET, HEAD")
			writeError(w, &requestError{http.StatusMethodNotAllowed, r.Method + " " + r.URL.Path + ": the page's files are read with GET"})
			return
		}
		w.Header().Set("Cache-Control", "no-cache")
		if r.URL.Path == "/" {
			http.ServeFileFS(w, r, sub, index)
			return
		}
		files.ServeHTTP(w, r)
	})
}
