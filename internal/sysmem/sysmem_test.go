package sysmem

import (
	"runtime"
	"testing"
)

func TestTotal(t *testing.T) {
	n, ok := Total()
	if runtime.GOOS != "linux" {
		t.Skip("reads /proc/meminfo")
	}
	if !ok || n < 64<<20 || n > 1<<50 {
		t.Fatalf("Total() = %d, %v", n, ok)
	}
}
