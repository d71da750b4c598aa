package main

import (
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// TestBench times a few steps of a preset and of a --net network, and
// checks the report: the network named as it ran, a positive rate, and the
// FLOP count of the network: fc:10 on 784 pixels takes two products of
// 784×10 multiply-adds (forward and weight gradient; the first layer has
// no input gradient), softmax:10 three of 10×10.
func TestBench(t *testing.T) {
	dir := mnistDir(t)
	code, out, errOut := deepnet(t, "bench", "--net", "fc:10:relu softmax:10", "--images", "200", "--data", dir)
	if code != 0 {
		t.Fatalf("exit %d\n%s\n%s", code, out, errOut)
	}
	if !strings.Contains(out, `preset=relu net="fc:10 relu softmax:10" batch=10 images=200`) {
		t.Errorf("the first line does not name the settings' preset and the network:\n%s", out)
	}
	m := regexp.MustCompile(`\(([0-9.]+) MFLOP per training image\)`).FindStringSubmatch(out)
	if m == nil {
		t.Fatalf("no FLOP count:\n%s", out)
	}
	if got, want := m[1], strconv.FormatFloat(2*(2*784*10+3*10*10)/1e6, 'f', 2, 64); got != want {
		t.Errorf("%s MFLOP per image, want %s", got, want)
	}
	if !regexp.MustCompile(`train_images_per_sec [1-9][0-9]*`).MatchString(out) {
		t.Errorf("no rate:\n%s", out)
	}
}

// TestBenchInfer times inference at batch 1 and 64 without MNIST, and
// writes the network timed as ONNX with --onnx.
func TestBenchInfer(t *testing.T) {
	file := filepath.Join(t.TempDir(), "net.onnx")
	code, out, errOut := deepnet(t, "bench", "--infer", "--net", "conv:2x5x5 maxpool:2 fc:10:relu softmax:10", "--images", "64", "--onnx", file)
	if code != 0 {
		t.Fatalf("exit %d\n%s\n%s", code, out, errOut)
	}
	for _, b := range []string{"1", "64"} {
		if !regexp.MustCompile(`infer_batch` + b + `_images_per_sec [1-9][0-9]*`).MatchString(out) {
			t.Errorf("no rate at batch %s:\n%s", b, out)
		}
	}
	if _, err := os.Stat(file); err != nil {
		t.Error(err)
	}
	code, _, errOut = deepnet(t, "bench", "--onnx", file)
	if code != 1 || !strings.Contains(errOut, "--infer") {
		t.Errorf("--onnx without --infer: exit %d, %s", code, errOut)
	}
}
