package main

import (
	"bytes"
	"compress/gzip"
	"encoding/binary"
	"image"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/deepnet-go/deepnet/internal/nettest"
	"github.com/deepnet-go/deepnet/model"
	"github.com/deepnet-go/deepnet/nn"
)

// TestHostileInputs runs the binary on inputs a careless or hostile user
// hands it: each must exit with status 1 and one line on stderr that says
// what is wrong, with no panic or runtime error, within a few seconds and
// well under 1 GB of memory.
func TestHostileInputs(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary; skipped with -short")
	}
	mnistDir := mnistDir(t)
	tmp := t.TempDir()
	bin := buildBinary(t, tmp)
	digit := filepath.Join(tmp, "digit.png")
	writePNGFile(t, digit, image.NewGray(image.Rect(0, 0, 28, 28)))
	fiveClasses := saveNetwork(t, tmp, "five.safetensors", "fc:10:relu softmax:5", nil)
	nanWeights := saveNetwork(t, tmp, "nan.safetensors", "fc:10:relu softmax:10", func(net *nn.Network) {
		net.Params()[0].Value.Data[7] = float32(math.NaN())
	})
	train := func(args ...string) []string { return append([]string{"train", "--data", mnistDir}, args...) }
	empty, tiny, binary := filepath.Join(tmp, "empty.txt"), filepath.Join(tmp, "tiny.txt"), filepath.Join(tmp, "binary.bin")
	os.WriteFile(empty, nil, 0o644)
	os.WriteFile(tiny, []byte(strings.Repeat("a short text. ", 50)), 0o644)
	os.WriteFile(binary, append([]byte("ELF"), make([]byte, 5000)...), 0o644)
	charModel := saveSequenceNetwork(t, tmp, "char.safetensors", "embed:256x8 gru:8:seq softmax:256")
	for _, c := range []struct {
		name string
		args []string
		want []string
	}{
		{"huge layers", train("--net", "fc:1000000 fc:1000000 softmax:10"), []string{"would need", "TB of memory", "--max-memory"}},
		{"huge batch", train("--batch", "100000000"), []string{"would need", "--max-memory"}},
		{"many layers", train("--net", strings.Repeat("relu ", nn.MaxSpecLayers+1)+"softmax:10"), []string{"more than 1024 layers"}},
		{"small budget", train("--net", "fc:20000 softmax:10", "--max-memory", "100MB"), []string{"more than the limit of 100 MB"}},
		{"data over budget", train("--max-memory", "20MB"), []string{"train-images-idx3-ubyte", "claims", "more than the limit"}},
		{"bad budget", train("--max-memory", "lots"), []string{"--max-memory \"lots\": want a size"}},
		{"many workers", train("--workers", "100000"), []string{"--workers 100000: want 1 to"}},
		{"too few classes", train("--net", "fc:10:relu softmax:5"), []string{"train-labels-idx1-ubyte", "has label", "outside the 5 classes"}},
		{"eval too few classes", []string{"eval", "--data", mnistDir, "--model", fiveClasses}, []string{"five.safetensors has 5 classes", "has label"}},
		{"NaN weights", []string{"predict", "--model", nanWeights, digit}, []string{"tensor 0.weight holds NaN at index 7"}},
		{"directory", []string{"predict", "--model", fiveClasses, tmp}, []string{"is a directory"}},
		{"bomb", []string{"train", "--data", idxBomb(t, tmp)}, []string{"claims", "limit"}},
		{"resumed past the end", resumePastEnd(t, tmp, mnistDir), []string{"trained 5 epochs, more than the run's 2"}},
		{"text without a file", []string{"train", "--preset", "charlm"}, []string{"give it a text file with --text FILE"}},
		{"text for images", train("--text", tiny), []string{"--text is for a character model"}},
		{"empty text", []string{"train", "--preset", "charlm", "--text", empty}, []string{"empty.txt: 0 bytes: too short"}},
		{"tiny text", []string{"train", "--preset", "charlm", "--text", tiny}, []string{"too short for 32 rows of 100+1 bytes"}},
		{"binary text", []string{"train", "--preset", "charlm", "--text", binary}, []string{"a NUL byte at offset 3: a binary file"}},
		{"sample an image model", []string{"sample", "--model", fiveClasses}, []string{"not a character model"}},
		{"eval a character model", []string{"eval", "--data", mnistDir, "--model", charModel}, []string{"not a classifier of whole examples"}},
		{"predict with a character model", []string{"predict", "--model", charModel, digit}, []string{"not a classifier of whole examples"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			var out, errOut bytes.Buffer
			cmd := exec.Command(bin, c.args...)
			cmd.Stdout, cmd.Stderr = &out, &errOut
			start := time.Now()
			err := cmd.Run()
			took := time.Since(start)
			line := strings.TrimSuffix(errOut.String(), "\n")
			code := cmd.ProcessState.ExitCode()
			if err != nil && code < 0 {
				t.Fatalf("%v", err)
			}
			// The child's peak resident memory (kB on Linux), or the test
			// process's at the fork if larger: an upper bound either way.
			rss := cmd.ProcessState.SysUsage().(*syscall.Rusage).Maxrss << 10
			t.Logf("%.60q: exit %d in %v, %d MB: %s", c.args, code, took.Round(time.Millisecond), rss>>20, line)
			if code != 1 || strings.Contains(line, "\n") || strings.Contains(line, "panic") || strings.Contains(line, "goroutine") {
				t.Errorf("exit %d, stderr %q: want status 1 and one line", code, errOut.String())
			}
			for _, w := range c.want {
				if !strings.Contains(line, w) {
					t.Errorf("the error %q does not say %q", line, w)
				}
			}
			if took > 20*time.Second || rss > 1<<30 {
				t.Errorf("took %v and %d MB", took, rss>>20)
			}
		})
	}
}

// saveNetwork saves a new network of spec on MNIST's images, changed by
// edit, to dir/name.
func saveNetwork(t *testing.T, dir, name, spec string, edit func(*nn.Network)) string {
	t.Helper()
	net := nettest.New(t, spec, nettest.MNIST, 1, 1)
	if edit != nil {
		edit(net)
	}
	path := filepath.Join(dir, name)
	if err := model.Save(path, net, model.Info{}); err != nil {
		t.Fatal(err)
	}
	return path
}

// saveSequenceNetwork saves a new network of spec over windows of 10
// tokens to dir/name.
func saveSequenceNetwork(t *testing.T, dir, name, spec string) string {
	t.Helper()
	net := nettest.New(t, spec, nn.Shape{C: 1, H: 1, W: 1, Flat: true, T: 10}, 1, 1)
	path := filepath.Join(dir, name)
	if err := model.Save(path, net, model.Info{}); err != nil {
		t.Fatal(err)
	}
	return path
}

// idxBomb writes a directory of MNIST's four files whose training images
// file is a small gzip that claims a billion images.
func idxBomb(t *testing.T, dir string) string {
	t.Helper()
	bomb := filepath.Join(dir, "bomb")
	if err := os.Mkdir(bomb, 0o755); err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	zw := gzip.NewWriter(&b)
	hdr := []byte{0, 0, 8, 3}
	for _, d := range []uint32{1_000_000_000, 28, 28} {
		hdr = binary.BigEndian.AppendUint32(hdr, d)
	}
	zw.Write(hdr)
	zw.Write(make([]byte, 1<<20)) // a megabyte of zeros compresses to a kilobyte
	zw.Close()
	for _, name := range []string{"train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz", "t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz"} {
		if err := os.WriteFile(filepath.Join(bomb, name), b.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return bomb
}

// resumePastEnd returns the command line that resumes, for 2 epochs, a
// checkpoint that records 5 epochs done.
func resumePastEnd(t *testing.T, dir, mnistDir string) []string {
	t.Helper()
	ck := filepath.Join(dir, "run")
	if code, out, errOut := deepnet(t, "train", "--data", mnistDir, "--net", "fc:10:relu softmax:10", "--epochs", "1", "--train-limit", "200", "--checkpoint", ck); code != 0 {
		t.Fatalf("exit %d\n%s\n%s", code, out, errOut)
	}
	path := filepath.Join(ck, checkpointFile)
	f, err := model.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	f.Metadata["checkpoint.next_epoch"] = "5"
	if err := model.WriteFileAtomic(path, f); err != nil {
		t.Fatal(err)
	}
	return []string{"train", "--resume", ck, "--epochs", "2"}
}
