//go:build !amd64 || purego

package f32

// kernelSets lists the kernel sets this build runs: only pure Go.
func kernelSets() []*kernelSet { return []*kernelSet{genericKernels} }

var defaultKernels = genericKernels
