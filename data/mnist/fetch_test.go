package mnist

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/deepnet-go/deepnet/data"
)

// fakeMNIST returns small gzipped IDX contents under the four canonical .gz
// names, and their SHA-256 sums.
func fakeMNIST(t *testing.T) (files map[string][]byte, sums map[string]string) {
	files, sums = map[string][]byte{}, map[string]string{}
	s := tinySet(12, 4, 4)
	for i, base := range Files {
		x := &data.IDX{Type: data.TypeUint8, Dims: []int{s.N, s.Rows, s.Cols}, Data: s.Images}
		if i%2 == 1 {
			x = &data.IDX{Type: data.TypeUint8, Dims: []int{s.N}, Data: s.Labels}
		}
		b := gzIDX(t, x)
		files[base+".gz"] = b
		h := sha256.Sum256(b)
		sums[base+".gz"] = hex.EncodeToString(h[:])
	}
	return files, sums
}

// mirror serves files over TLS; bad names get corrupted content and missing
// names a 404. It counts requests.
type mirror struct {
	*httptest.Server
	requests atomic.Int64
}

func newMirror(t *testing.T, files map[string][]byte, bad ...string) *mirror {
	m := &mirror{}
	m.Server = httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		m.requests.Add(1)
		name := strings.TrimPrefix(r.URL.Path, "/mnist/")
		b, ok := files[name]
		for _, x := range bad {
			if x == name {
				b = append(bytes.Clone(b), 'x')
			}
		}
		if !ok {
			http.NotFound(w, r)
			return
		}
		w.Write(b)
	}))
	t.Cleanup(m.Close)
	return m
}

func TestLocateDirAndEnv(t *testing.T) {
	dir := t.TempDir()
	writeMNISTDir(t, dir, 12, 3)
	t.Setenv(EnvData, "")
	if got, err := Locate(LocateOptions{Dir: dir}); err != nil || got != dir {
		t.Fatalf("Locate(Dir) = %q, %v", got, err)
	}
	t.Setenv(EnvData, dir)
	if got, err := Locate(LocateOptions{}); err != nil || got != dir {
		t.Fatalf("Locate with $%s = %q, %v", EnvData, got, err)
	}
	// Missing files in a user directory are an error, with no fallback.
	empty := t.TempDir()
	os.WriteFile(filepath.Join(empty, TestLabelsFile+".gz"), nil, 0o644)
	_, err := Locate(LocateOptions{Dir: empty})
	if !errors.Is(err, fs.ErrNotExist) || !strings.Contains(err.Error(), TrainImagesFile) || strings.Contains(err.Error(), TestLabelsFile) {
		t.Fatalf("Locate(empty Dir) = %v", err)
	}
	t.Setenv(EnvData, empty)
	if _, err := Locate(LocateOptions{}); err == nil || !strings.Contains(err.Error(), "$"+EnvData) {
		t.Fatalf("Locate($%s empty) = %v", EnvData, err)
	}
}

func TestLocateMirrors(t *testing.T) {
	t.Setenv(EnvData, "")
	files, sums := fakeMNIST(t)
	// The first mirror corrupts one file and lacks another; the second has all.
	partial := map[string][]byte{}
	for k, v := range files {
		if k != TestLabelsFile+".gz" {
			partial[k] = v
		}
	}
	m1 := newMirror(t, partial, TrainImagesFile+".gz")
	m2 := newMirror(t, files)
	cache := filepath.Join(t.TempDir(), "deep", "cache")
	var log bytes.Buffer
	opts := LocateOptions{CacheDir: cache, Mirrors: []string{m1.URL + "/mnist/", m2.URL + "/mnist"},
		Client: m1.Client(), NoModuleProxy: true, Log: &log, sums: sums}
	got, err := Locate(opts)
	if err != nil || got != cache {
		t.Fatalf("Locate = %q, %v", got, err)
	}
	if m1.requests.Load() != 4 || m2.requests.Load() != 2 {
		t.Errorf("requests %d and %d, want 4 and 2", m1.requests.Load(), m2.requests.Load())
	}
	if !strings.Contains(log.String(), "fetching MNIST from "+m1.URL) || !strings.Contains(log.String(), m2.URL) {
		t.Errorf("log %q", log.String())
	}
	if _, err := Load(got); err != nil {
		t.Fatal(err)
	}
	ents, _ := os.ReadDir(cache)
	if len(ents) != 4 {
		t.Errorf("cache holds %d entries, want the 4 files", len(ents))
	}
	// A verified cache is used without the network; a corrupt file is
	// fetched again.
	if _, err := Locate(opts); err != nil || m1.requests.Load()+m2.requests.Load() != 6 {
		t.Fatalf("cached Locate: %v, %d requests", err, m1.requests.Load()+m2.requests.Load())
	}
	os.WriteFile(filepath.Join(cache, TrainLabelsFile+".gz"), []byte("bad"), 0o644)
	if _, err := Locate(opts); err != nil || m1.requests.Load() != 5 {
		t.Fatalf("Locate after corruption: %v, %d requests to the first mirror", err, m1.requests.Load())
	}
	// Offline with a complete cache works.
	opts.Offline = true
	if _, err := Locate(opts); err != nil {
		t.Fatal(err)
	}
}

func TestLocateConcurrent(t *testing.T) {
	t.Setenv(EnvData, "")
	files, sums := fakeMNIST(t)
	m := newMirror(t, files)
	cache := t.TempDir()
	var wg sync.WaitGroup
	errs := make([]error, 8)
	for i := range errs {
		wg.Go(func() {
			_, errs[i] = Locate(LocateOptions{CacheDir: cache, Mirrors: []string{m.URL + "/mnist/"},
				Client: m.Client(), NoModuleProxy: true, sums: sums})
		})
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		t.Fatal(err)
	}
	opts := LocateOptions{sums: sums}
	if miss := opts.missing(cache); len(miss) != 0 {
		t.Fatalf("after concurrent fetches, unverified %v", miss)
	}
}

func TestLocateAllFail(t *testing.T) {
	t.Setenv(EnvData, "")
	files, sums := fakeMNIST(t)
	bad := newMirror(t, files, TrainImagesFile+".gz")
	down := httptest.NewServer(http.NotFoundHandler())
	down.Close()
	cache := t.TempDir()
	_, err := Locate(LocateOptions{CacheDir: cache, Mirrors: []string{bad.URL + "/mnist/", down.URL + "/"},
		Client: bad.Client(), GoCommand: filepath.Join(cache, "no-such-go"), sums: sums})
	var le *LocateError
	if !errors.As(err, &le) || len(le.Tries) != 4 {
		t.Fatalf("got %v, want a LocateError with 4 sources", err)
	}
	msg := err.Error()
	for _, want := range []string{"cache " + cache, "no verified " + TrainImagesFile + ".gz", bad.URL, "SHA-256", down.URL,
		"go module proxy", "no-such-go", "$DEEPNET_DATA"} {
		if !strings.Contains(msg, want) {
			t.Errorf("error lacks %q:\n%s", want, msg)
		}
	}
	// The good files of the bad mirror were kept.
	if miss := (&LocateOptions{sums: sums}).missing(cache); len(miss) != 1 {
		t.Errorf("missing %v, want only the corrupted file", miss)
	}
	ents, _ := os.ReadDir(cache)
	if len(ents) != 3 {
		t.Errorf("cache holds %v, want the 3 verified files and no temporary files", ents)
	}
	_, err = Locate(LocateOptions{CacheDir: t.TempDir(), Offline: true})
	if !errors.As(err, &le) || len(le.Tries) != 1 {
		t.Fatalf("offline Locate with an empty cache: %v", err)
	}
}

// TestLocateModuleFake runs a stand-in go command that reports a module
// directory holding the fake files.
func TestLocateModuleFake(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("shell script stand-in")
	}
	t.Setenv(EnvData, "")
	files, sums := fakeMNIST(t)
	mod := t.TempDir()
	os.Mkdir(filepath.Join(mod, "data"), 0o755)
	for k, v := range files {
		os.WriteFile(filepath.Join(mod, "data", k), v, 0o444)
	}
	gocmd := filepath.Join(t.TempDir(), "go")
	script := fmt.Sprintf("#!/bin/sh\n[ \"$*\" = 'mod download -json %s@%s' ] || exit 3\necho '{\"Path\": \"x\", \"Dir\": \"%s\"}'\n", Module, ModuleVersion, mod)
	os.WriteFile(gocmd, []byte(script), 0o755)
	cache := t.TempDir()
	var log bytes.Buffer
	got, err := Locate(LocateOptions{CacheDir: cache, Mirrors: []string{}, GoCommand: gocmd, Log: &log, sums: sums})
	if err != nil || got != cache {
		t.Fatalf("Locate = %q, %v", got, err)
	}
	if !strings.Contains(log.String(), "Go module proxy") {
		t.Errorf("log %q", log.String())
	}
	// A go command reporting an error.
	os.WriteFile(gocmd, []byte("#!/bin/sh\necho '{\"Error\": \"proxy says no\"}'\nexit 1\n"), 0o755)
	_, err = Locate(LocateOptions{CacheDir: t.TempDir(), Mirrors: []string{}, GoCommand: gocmd, sums: sums})
	if err == nil || !strings.Contains(err.Error(), "proxy says no") {
		t.Fatalf("Locate with a failing go command: %v", err)
	}
}

// TestLocateModuleProxy fetches the real files through the Go module proxy
// into a fresh cache.
func TestLocateModuleProxy(t *testing.T) {
	if testing.Short() {
		t.Skip("skipping the Go module proxy in -short mode")
	}
	t.Setenv(EnvData, "")
	cache := t.TempDir()
	got, err := Locate(LocateOptions{CacheDir: cache, Mirrors: []string{}, Log: testLogWriter{t}})
	if err != nil || got != cache {
		t.Fatalf("Locate = %q, %v", got, err)
	}
	for name, sum := range SHA256 {
		if fileSHA256(filepath.Join(cache, name)) != sum {
			t.Errorf("%s: wrong SHA-256", name)
		}
	}
}
