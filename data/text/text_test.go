package text

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestLoad(t *testing.T) {
	dir := t.TempDir()
	write := func(name string, b []byte) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, b, 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	c, err := Load(write("ok.txt", []byte(strings.Repeat("0123456789", 10))), 0)
	if err != nil || len(c.Train) != 90 || len(c.Validation) != 10 || c.Train[0] != '0' || c.Validation[9] != '9' {
		t.Fatalf("Load: %+v, %v", c, err)
	}
	var te *Error
	for name, c := range map[string]struct {
		path string
		max  int64
		want string
	}{
		"empty":     {write("empty.txt", nil), 0, "0 bytes: too short"},
		"tiny":      {write("tiny.txt", []byte("abc")), 0, "3 bytes: too short"},
		"binary":    {write("bin", append([]byte("some text then"), 0, 1, 2, 3)), 0, "a NUL byte at offset 14"},
		"too large": {write("large.txt", make([]byte, 100)), 50, "100 bytes, more than the limit of 50"},
		"directory": {dir, 0, "is a directory"},
	} {
		_, err := Load(c.path, c.max)
		if !errors.As(err, &te) || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: %v, want a *text.Error saying %q", name, err, c.want)
		}
	}
}
