package sweep

import (
	"encoding/json"
	"fmt"
	"math"
	"os"
	"slices"
	"strings"
	"testing"
)

// k8sSchema is testdata/k8s-job-batch-v1.json: the schemas of the
// Kubernetes OpenAPI (v3, batch/v1) that a Job manifest reaches, with
// every property of each (see its "source").
type k8sSchema struct {
	Source  string                `json:"source"`
	Root    string                `json:"root"`
	Schemas map[string]*schemaDef `json:"schemas"`
}

type schemaDef struct {
	Ref                  string                `json:"$ref"`
	Type                 string                `json:"type"`
	Format               string                `json:"format"`
	Required             []string              `json:"required"`
	Properties           map[string]*schemaDef `json:"properties"`
	Items                *schemaDef            `json:"items"`
	AdditionalProperties *schemaDef            `json:"additionalProperties"`
}

func loadK8sSchema(t *testing.T) *k8sSchema {
	t.Helper()
	b, err := os.ReadFile("testdata/k8s-job-batch-v1.json")
	if err != nil {
		t.Fatal(err)
	}
	var s k8sSchema
	if err := json.Unmarshal(b, &s); err != nil {
		t.Fatal(err)
	}
	return &s
}

// validate returns what in v (decoded JSON) does not fit schema d, at
// path: a value of another type, an integer out of its format's range, a
// required property missing, or a property the schema does not list (as
// the API server's strict field validation refuses it).
func (s *k8sSchema) validate(v any, d *schemaDef, path string) []string {
	if d.Ref != "" {
		return s.validate(v, s.Schemas[d.Ref], path)
	}
	bad := func(format string, a ...any) []string { return []string{path + ": " + fmt.Sprintf(format, a...)} }
	switch d.Type {
	case "string":
		if _, ok := v.(string); !ok {
			return bad("%v is not a string", v)
		}
	case "boolean":
		if _, ok := v.(bool); !ok {
			return bad("%v is not a boolean", v)
		}
	case "integer":
		n, ok := v.(float64)
		limit := map[string]float64{"int32": math.MaxInt32, "int64": 1 << 63}[d.Format]
		if !ok || n != math.Trunc(n) || math.Abs(n) > limit {
			return bad("%v is not an integer (%s)", v, d.Format)
		}
	case "array":
		a, ok := v.([]any)
		if !ok {
			return bad("%v is not an array", v)
		}
		var errs []string
		for i, x := range a {
			errs = append(errs, s.validate(x, d.Items, fmt.Sprintf("%s[%d]", path, i))...)
		}
		return errs
	case "object":
		return s.validateObject(v, d, path)
	default:
		return bad("the schema has type %q", d.Type)
	}
	return nil
}

func (s *k8sSchema) validateObject(v any, d *schemaDef, path string) []string {
	m, ok := v.(map[string]any)
	if !ok {
		return []string{fmt.Sprintf("%s: %v is not an object", path, v)}
	}
	var errs []string
	for _, r := range d.Required {
		if _, ok := m[r]; !ok {
			errs = append(errs, fmt.Sprintf("%s: required %q missing", path, r))
		}
	}
	for k, x := range m {
		switch p, known := d.Properties[k]; {
		case known:
			errs = append(errs, s.validate(x, p, path+"."+k)...)
		case d.AdditionalProperties != nil:
			errs = append(errs, s.validate(x, d.AdditionalProperties, path+"."+k)...)
		case d.Properties != nil:
			errs = append(errs, fmt.Sprintf("%s: unknown field %q", path, k))
		}
	}
	return errs
}

// TestKubeJobFitsTheSchema checks the manifest against the Job schema and
// the rules of an Indexed Job that the API reference states beside it
// (https://kubernetes.io/docs/reference/kubernetes-api/workload-resources/job-v1/):
// completions set with completionMode Indexed, a template whose
// restartPolicy is Never or OnFailure, names that are DNS labels, and
// every volumeMount naming a volume of the pod.
func TestKubeJobFitsTheSchema(t *testing.T) {
	s := loadK8sSchema(t)
	b, err := KubeJob(12, KubeOptions{Image: "registry.example/deepnet:1", Claim: "sweeps", CPUs: 2, Parallel: 4})
	if err != nil {
		t.Fatal(err)
	}
	var job map[string]any
	if err := json.Unmarshal(b, &job); err != nil {
		t.Fatal(err)
	}
	if errs := s.validate(job, s.Schemas[s.Root], "Job"); len(errs) > 0 {
		t.Errorf("the manifest does not fit the schema:\n%s\n%s", strings.Join(errs, "\n"), b)
	}
	spec := job["spec"].(map[string]any)
	pod := spec["template"].(map[string]any)["spec"].(map[string]any)
	c := pod["containers"].([]any)[0].(map[string]any)
	if job["apiVersion"] != "batch/v1" || job["kind"] != "Job" || spec["completionMode"] != "Indexed" ||
		spec["completions"] != 12.0 || spec["parallelism"] != 4.0 {
		t.Errorf("not an Indexed Job of 12 completions, 4 at a time:\n%s", b)
	}
	if rp := pod["restartPolicy"]; rp != "Never" && rp != "OnFailure" {
		t.Errorf("restartPolicy %v", rp)
	}
	if !dnsLabel.MatchString(job["metadata"].(map[string]any)["name"].(string)) || !dnsLabel.MatchString(c["name"].(string)) {
		t.Errorf("names are not DNS labels:\n%s", b)
	}
	var volumes []string
	for _, v := range pod["volumes"].([]any) {
		volumes = append(volumes, v.(map[string]any)["name"].(string))
	}
	for _, m := range c["volumeMounts"].([]any) {
		if !slices.Contains(volumes, m.(map[string]any)["name"].(string)) {
			t.Errorf("volumeMount %v names no volume of %v", m, volumes)
		}
	}
	cmd := fmt.Sprint(c["command"])
	if cmd != "[deepnet sweep task --workers 2 /sweep]" {
		t.Errorf("command %s: the index must come from JOB_COMPLETION_INDEX", cmd)
	}
}

// TestK8sValidatorCatches: the validator refuses what the API server
// would (so that the test above can fail).
func TestK8sValidatorCatches(t *testing.T) {
	s := loadK8sSchema(t)
	for _, c := range []struct{ manifest, want string }{
		{`{"apiVersion": "batch/v1", "kind": "Job", "spec": {}}`, `Job.spec: required "template" missing`},
		{`{"spec": {"completionsMode": "Indexed", "template": {}}}`, `unknown field "completionsMode"`},
		{`{"spec": {"completions": "3", "template": {}}}`, "Job.spec.completions: 3 is not an integer"},
		{`{"spec": {"completions": 3000000000, "template": {}}}`, "is not an integer (int32)"},
		{`{"spec": {"template": {"spec": {"containers": [{"image": "x"}]}}}}`, `containers[0]: required "name" missing`},
		{`{"spec": {"template": {"spec": {"containers": [], "volumes": [{"name": "v", "persistentVolumeClaim": {}}]}}}}`, `required "claimName" missing`},
		{`{"spec": {"template": {"spec": {"containers": [{"name": "c", "resources": {"requests": {"cpu": 2}}}]}}}}`, "requests.cpu: 2 is not a string"},
		{`{"metadata": {"labels": {"a": 1}}}`, "Job.metadata.labels.a: 1 is not a string"},
	} {
		var v any
		if err := json.Unmarshal([]byte(c.manifest), &v); err != nil {
			t.Fatal(err)
		}
		if errs := strings.Join(s.validate(v, s.Schemas[s.Root], "Job"), "\n"); !strings.Contains(errs, c.want) {
			t.Errorf("%s: %q, want %q", c.manifest, errs, c.want)
		}
	}
}

func TestKubeJobRefuses(t *testing.T) {
	ok := KubeOptions{Image: "deepnet", Claim: "c"}
	for _, c := range []struct {
		n    int
		set  func(*KubeOptions)
		want string
	}{
		{3, func(o *KubeOptions) { o.Name = "Deepnet" }, "Job name"},
		{3, func(o *KubeOptions) { o.Name = strings.Repeat("a", 62) }, "at most 61 characters"},
		{3, func(o *KubeOptions) { o.Image = "" }, "no image"},
		{3, func(o *KubeOptions) { o.Claim = "" }, "claim"},
		{3, func(o *KubeOptions) { o.MountPath = "sweep" }, "not absolute"},
		{0, func(*KubeOptions) {}, "0 runs"},
	} {
		o := ok
		c.set(&o)
		if _, err := KubeJob(c.n, o); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%+v: %v, want %q", o, err, c.want)
		}
	}
}
