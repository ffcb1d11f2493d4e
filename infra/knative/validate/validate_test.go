// Package validate decodes every Knative file of infra/knative into
// Knative's and Kubernetes' own types, strictly, and runs their admission
// defaults and validation, as the webhooks of a cluster would. It is a
// module of its own because knative.dev/serving and knative.dev/eventing
// are heavy: `cd infra/knative/validate && go test ./...`.
package validate

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	"knative.dev/pkg/apis"
	sigsyaml "sigs.k8s.io/yaml"

	eventingv1 "knative.dev/eventing/pkg/apis/eventing/v1"
	sourcesv1 "knative.dev/eventing/pkg/apis/sources/v1"
	servingconfig "knative.dev/serving/pkg/apis/config"
	servingv1 "knative.dev/serving/pkg/apis/serving/v1"
)

// maxRevisionTimeout is the max-revision-timeout-seconds the cluster's
// config-defaults must allow: scan-file-ingest runs for up to 900 seconds
// (Knative's default maximum is 600).
const maxRevisionTimeout = "900"

// object is what every Knative type here offers.
type object interface {
	apis.Defaultable
	apis.Validatable
}

// documents splits a YAML file into its documents, skipping empty ones.
func documents(t *testing.T, b []byte) [][]byte {
	t.Helper()
	var out [][]byte
	for _, d := range bytes.Split(append([]byte("\n"), b...), []byte("\n---")) {
		if len(bytes.TrimSpace(stripComments(d))) > 0 {
			out = append(out, d)
		}
	}
	return out
}

func stripComments(b []byte) []byte {
	var out []byte
	for _, line := range bytes.Split(b, []byte("\n")) {
		if !bytes.HasPrefix(bytes.TrimSpace(line), []byte("#")) {
			out = append(append(out, line...), '\n')
		}
	}
	return out
}

// strict decodes a YAML document into v, refusing unknown fields.
func strict(doc []byte, v any) error {
	j, err := sigsyaml.YAMLToJSON(doc)
	if err != nil {
		return err
	}
	dec := json.NewDecoder(bytes.NewReader(j))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return err
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return errors.New("trailing data")
	}
	return nil
}

func context4Create(t *testing.T) context.Context {
	t.Helper()
	d, err := servingconfig.NewDefaultsConfigFromMap(map[string]string{"max-revision-timeout-seconds": maxRevisionTimeout})
	if err != nil {
		t.Fatal(err)
	}
	f, err := servingconfig.NewFeaturesConfigFromMap(map[string]string{})
	if err != nil {
		t.Fatal(err)
	}
	ctx := servingconfig.ToContext(context.Background(), &servingconfig.Config{Defaults: d, Features: f})
	return apis.WithinCreate(ctx)
}

// check decodes, defaults and validates one document; it returns the kind.
func check(t *testing.T, ctx context.Context, doc []byte) (string, error) {
	var head struct {
		APIVersion string `json:"apiVersion"`
		Kind       string `json:"kind"`
	}
	if err := sigsyaml.Unmarshal(doc, &head); err != nil {
		return "", err
	}
	kind := head.APIVersion + " " + head.Kind
	var o object
	switch kind {
	case "serving.knative.dev/v1 Service":
		o = &servingv1.Service{}
	case "sources.knative.dev/v1 PingSource":
		o = &sourcesv1.PingSource{}
	case "eventing.knative.dev/v1 Trigger":
		o = &eventingv1.Trigger{}
	case "batch/v1 Job":
		// Kubernetes' own validation is not importable; decode strictly and
		// check what the Job needs to run.
		var j batchv1.Job
		if err := strict(doc, &j); err != nil {
			return kind, err
		}
		cs := j.Spec.Template.Spec.Containers
		if len(cs) == 0 || cs[0].Image == "" {
			return kind, errors.New("job without a container image")
		}
		if rp := j.Spec.Template.Spec.RestartPolicy; rp != corev1.RestartPolicyOnFailure && rp != corev1.RestartPolicyNever {
			return kind, errors.New("a Job's restartPolicy must be OnFailure or Never")
		}
		return kind, nil
	case "v1 ConfigMap":
		return kind, strict(doc, &corev1.ConfigMap{})
	case "kustomize.config.k8s.io/v1beta1 Kustomization":
		return kind, nil
	default:
		return kind, errors.New("unexpected kind")
	}
	if err := strict(doc, o); err != nil {
		return kind, err
	}
	o.SetDefaults(ctx)
	if fe := o.Validate(ctx); fe != nil {
		return kind, fe
	}
	return kind, nil
}

func TestKnativeFilesValidate(t *testing.T) {
	ctx := context4Create(t)
	kinds := map[string]int{}
	err := filepath.WalkDir("..", func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && d.Name() == "validate" {
			return filepath.SkipDir
		}
		if d.IsDir() || (!strings.HasSuffix(path, ".yaml") && !strings.HasSuffix(path, ".yml")) {
			return nil
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		for i, doc := range documents(t, b) {
			kind, err := check(t, ctx, doc)
			if err != nil {
				t.Errorf("%s document %d (%s): %v", filepath.ToSlash(path), i+1, kind, err)
			}
			kinds[kind]++
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"serving.knative.dev/v1 Service", "sources.knative.dev/v1 PingSource", "eventing.knative.dev/v1 Trigger", "batch/v1 Job"} {
		if kinds[k] == 0 {
			t.Errorf("no %s found under infra/knative", k)
		}
	}
	t.Logf("validated %v", kinds)
}

// The validation bites: broken documents are refused.
func TestValidationCatchesMistakes(t *testing.T) {
	ctx := context4Create(t)
	bad := map[string]string{
		"unknown field": "apiVersion: serving.knative.dev/v1\nkind: Service\nmetadata: {name: x}\nspec:\n  template:\n    spec:\n      containerz: []\n",
		"no image":      "apiVersion: serving.knative.dev/v1\nkind: Service\nmetadata: {name: x}\nspec:\n  template:\n    spec:\n      containers: [{name: a}]\n",
		"timeout":       "apiVersion: serving.knative.dev/v1\nkind: Service\nmetadata: {name: x}\nspec:\n  template:\n    spec:\n      timeoutSeconds: 3600\n      containers: [{image: a}]\n",
		"traffic":       "apiVersion: serving.knative.dev/v1\nkind: Service\nmetadata: {name: x}\nspec:\n  template:\n    spec:\n      containers: [{image: a}]\n  traffic:\n    - {latestRevision: true, percent: 50}\n",
		"schedule":      "apiVersion: sources.knative.dev/v1\nkind: PingSource\nmetadata: {name: x}\nspec:\n  schedule: \"61 * * * *\"\n  sink: {ref: {apiVersion: serving.knative.dev/v1, kind: Service, name: x}}\n",
		"timezone":      "apiVersion: sources.knative.dev/v1\nkind: PingSource\nmetadata: {name: x}\nspec:\n  schedule: \"0 * * * *\"\n  timezone: Mars/Olympus\n  sink: {ref: {apiVersion: serving.knative.dev/v1, kind: Service, name: x}}\n",
		"no broker":     "apiVersion: eventing.knative.dev/v1\nkind: Trigger\nmetadata: {name: x}\nspec:\n  subscriber: {ref: {apiVersion: serving.knative.dev/v1, kind: Service, name: x}}\n",
		"two filters":   "apiVersion: eventing.knative.dev/v1\nkind: Trigger\nmetadata: {name: x}\nspec:\n  broker: default\n  filters:\n    - {exact: {type: a}, prefix: {type: b}}\n  subscriber: {ref: {apiVersion: serving.knative.dev/v1, kind: Service, name: x}}\n",
	}
	for name, doc := range bad {
		if _, err := check(t, ctx, []byte(doc)); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}
