//go:build !amd64 || purego

package f32

func (t *col2imTask) col2imPlane(ch, img int, out []float32) bool { return false }

func (t *poolTask) maxPlanes(lo, hi int) bool { return false }
