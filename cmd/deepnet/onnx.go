package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/deepnet-go/deepnet/internal/atomicfile"
	"github.com/deepnet-go/deepnet/model"
	"github.com/deepnet-go/deepnet/onnx"
)

// runExport writes a model file's network as an ONNX file.
func runExport(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("export")
	var outs outputs
	modelPath, mach := modelFlag(fs), machineFlags(fs)
	out := outs.file(fs, "onnx", "the ONNX file to write (required)")
	if err := parseFlags(fs, args, stderr); err != nil {
		return err
	}
	if *modelPath == "" || *out == "" {
		return fmt.Errorf("--model FILE and --onnx OUT.onnx are required")
	}
	if err := mach.apply(); err != nil {
		return err
	}
	if err := outs.check(); err != nil {
		return err
	}
	net, _, err := loadModel(*modelPath)
	if err != nil {
		return err
	}
	f, err := model.ReadFile(*modelPath)
	if err != nil {
		return err
	}
	md := make(map[string]string, len(f.Metadata))
	for k, v := range f.Metadata {
		if k != model.DigestKey { // the digest of the safetensors data means nothing in ONNX
			md[k] = v
		}
	}
	b, err := onnx.Encode(net, md)
	if err != nil {
		return fmt.Errorf("%s: %w", *modelPath, err)
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	if err := makeParent(*out); err != nil {
		return err
	}
	if err := atomicfile.Write(*out, func(w io.Writer) error { _, err := w.Write(b); return err }); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "wrote %s (%d bytes; ONNX IR %d, opset %d): %s on input %s\n", *out, len(b), onnx.IRVersion, onnx.Opset, net.Spec, net.In)
	return nil
}

// runImport reads an ONNX file made of the operators deepnet's layers
// have and writes it as a model file.
func runImport(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("import")
	var outs outputs
	in := fs.String("onnx", "", "the ONNX file to read (required): a chain of the operators of deepnet's layers")
	out := outs.file(fs, "out", "the model file to write (required)")
	mach := machineFlags(fs)
	if err := parseFlags(fs, args, stderr); err != nil {
		return err
	}
	if *in == "" || *out == "" {
		return fmt.Errorf("--onnx FILE and --out MODEL are required")
	}
	if err := mach.apply(); err != nil {
		return err
	}
	if err := outs.check(); err != nil {
		return err
	}
	st, err := os.Stat(*in)
	switch {
	case err != nil:
		return err
	case !st.Mode().IsRegular():
		return fmt.Errorf("%s is not a file", *in)
	case st.Size() > onnx.MaxFile:
		return fmt.Errorf("%s: %d bytes; an ONNX file holds at most %d", *in, st.Size(), onnx.MaxFile)
	}
	b, err := os.ReadFile(*in)
	if err != nil {
		return err
	}
	m, err := onnx.Decode(b, onnx.Options{MaxBatch: 1, MaxMemory: memoryLimit})
	if err != nil {
		return fmt.Errorf("%s: %w", *in, err)
	}
	info, err := model.DecodeInfo(&model.File{Metadata: m.Metadata})
	if err != nil {
		return fmt.Errorf("%s: metadata_props: %w", *in, err)
	}
	if _, ok := m.Metadata["training"]; !ok {
		info.Extra = map[string]string{"imported_from": filepath.Base(*in)}
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	if err := makeParent(*out); err != nil {
		return err
	}
	if err := model.Save(*out, m.Net, *info); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "read %s: %s on input %s\nwrote %s\n", *in, m.Net.Spec, m.Net.In, *out)
	return nil
}
