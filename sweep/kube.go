package sweep

import (
	"encoding/json"
	"fmt"
	"path"
	"regexp"
	"strconv"
)

// KubeOptions say how a sweep runs as a Kubernetes Indexed Job.
type KubeOptions struct {
	// Name is the Job's name, a DNS label (default "deepnet-sweep").
	Name string
	// Image is the container image: deepnet in it as Deepnet (default
	// "deepnet", found on its PATH), and MNIST where deepnet finds it
	// ($DEEPNET_DATA, its cache, or a mirror it can reach).
	Image, Deepnet string
	// Claim is the PersistentVolumeClaim that holds the sweep directory
	// (the directory is the volume's root), mounted at MountPath
	// (default /sweep) in every pod.
	Claim, MountPath string
	// CPUs is each pod's CPU request and its --workers (0: 1).
	CPUs int
	// Parallel is the most pods that run at once (0: every run).
	Parallel int
}

// dnsLabel is a DNS-1123 label, as Kubernetes names Jobs and containers.
var dnsLabel = regexp.MustCompile(`^[a-z0-9]([-a-z0-9]*[a-z0-9])?$`)

// dnsSubdomain is a DNS-1123 subdomain, as Kubernetes names claims.
var dnsSubdomain = regexp.MustCompile(`^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$`)

// KubeJob returns the manifest (JSON, which kubectl apply -f reads) of a
// batch/v1 Job in Indexed completion mode with n completions: the pod of
// index i runs "deepnet sweep task --workers CPUS MOUNT", which reads i
// from JOB_COMPLETION_INDEX (set by the Job controller) and trains run i
// of the sweep directory on the claim, resuming from its checkpoint. A
// failed container restarts in its pod (restartPolicy OnFailure) and an
// evicted pod is replaced, each resuming; the Job gives up after 3n
// failures in all (backoffLimit), three a run on average.
func KubeJob(n int, o KubeOptions) ([]byte, error) {
	if err := o.complete(n); err != nil {
		return nil, err
	}
	cpus := max(o.CPUs, 1)
	parallel := n
	if o.Parallel > 0 {
		parallel = min(o.Parallel, n)
	}
	labels := map[string]string{"app.kubernetes.io/name": "deepnet-sweep", "app.kubernetes.io/instance": o.Name}
	container := map[string]any{
		"name":         "deepnet",
		"image":        o.Image,
		"command":      []string{o.Deepnet, "sweep", "task", "--workers", strconv.Itoa(cpus), o.MountPath},
		"resources":    map[string]any{"requests": map[string]string{"cpu": strconv.Itoa(cpus)}},
		"volumeMounts": []map[string]any{{"name": "sweep", "mountPath": o.MountPath}},
	}
	job := map[string]any{
		"apiVersion": "batch/v1",
		"kind":       "Job",
		"metadata":   map[string]any{"name": o.Name, "labels": labels},
		"spec": map[string]any{
			"completionMode": "Indexed",
			"completions":    n,
			"parallelism":    parallel,
			"backoffLimit":   3 * n,
			"template": map[string]any{
				"metadata": map[string]any{"labels": labels},
				"spec": map[string]any{
					"restartPolicy": "OnFailure",
					"containers":    []any{container},
					"volumes":       []map[string]any{{"name": "sweep", "persistentVolumeClaim": map[string]string{"claimName": o.Claim}}},
				},
			},
		},
	}
	b, err := json.MarshalIndent(job, "", "  ")
	return append(b, '\n'), err
}

// complete fills in o's defaults and checks it for a Job of n runs.
func (o *KubeOptions) complete(n int) error {
	if o.Name == "" {
		o.Name = "deepnet-sweep"
	}
	if o.Deepnet == "" {
		o.Deepnet = "deepnet"
	}
	if o.MountPath == "" {
		o.MountPath = "/sweep"
	}
	// A pod's hostname is NAME-INDEX, itself a DNS label.
	if !dnsLabel.MatchString(o.Name) || len(o.Name)+1+len(strconv.Itoa(n-1)) > 63 {
		return fmt.Errorf("kubernetes: Job name %q: want lower-case letters, digits and '-', at most %d characters", o.Name, 62-len(strconv.Itoa(n-1)))
	}
	switch {
	case o.Image == "":
		return fmt.Errorf("kubernetes: no image (one that holds deepnet, and MNIST or a way to fetch it)")
	case !dnsSubdomain.MatchString(o.Claim) || len(o.Claim) > 253:
		return fmt.Errorf("kubernetes: claim %q: want the name of a PersistentVolumeClaim (lower-case letters, digits, '-' and '.')", o.Claim)
	case !path.IsAbs(o.MountPath):
		return fmt.Errorf("kubernetes: mount path %q is not absolute", o.MountPath)
	case n < 1:
		return fmt.Errorf("kubernetes: %d runs", n)
	}
	return nil
}
