package deploy_test

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"github.com/logifn/logifn/functions/deploy"
	"github.com/logifn/logifn/functions/registry"
)

// go test ./functions/deploy -run TestKnative -update rewrites
// infra/knative from the manifest.

func knativeReader(files map[string][]byte) func(string) ([]byte, error) {
	return func(name string) ([]byte, error) {
		if files != nil {
			if b, ok := files[name]; ok {
				return b, nil
			}
		}
		return os.ReadFile(filepath.Join(root, filepath.FromSlash(deploy.KnativeDir), filepath.FromSlash(name)))
	}
}

func TestKnativeFiles(t *testing.T) {
	if *update {
		files, err := deploy.GenerateKnative(registry.All())
		if err != nil {
			t.Fatal(err)
		}
		for name, b := range files {
			path := filepath.Join(root, filepath.FromSlash(deploy.KnativeDir), filepath.FromSlash(name))
			if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(path, b, 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
	k, err := deploy.DecodeKnative(knativeReader(nil))
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range deploy.CheckKnative(registry.All(), k) {
		t.Error(p)
	}
}

// TestKnativeGeneratedMatch: what the generator writes passes the checks.
func TestKnativeGeneratedMatch(t *testing.T) {
	files, err := deploy.GenerateKnative(registry.All())
	if err != nil {
		t.Fatal(err)
	}
	k, err := deploy.DecodeKnative(func(name string) ([]byte, error) {
		b, ok := files[name]
		if !ok {
			return nil, os.ErrNotExist
		}
		return b, nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if p := deploy.CheckKnative(registry.All(), k); len(p) > 0 {
		t.Errorf("generated infra/knative: %q", p)
	}
}

// The Knative checks bite: each mutation of an in-memory copy is reported.
func TestKnativeChecksCatchDrift(t *testing.T) {
	specs := registry.All()
	dir := filepath.Join(root, filepath.FromSlash(deploy.KnativeDir))
	load := func(name string) []byte {
		b, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(name)))
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	check := func(name string, b []byte) []string {
		k, err := deploy.DecodeKnative(knativeReader(map[string][]byte{name: b}))
		if err != nil {
			return []string{err.Error()}
		}
		return deploy.CheckKnative(specs, k)
	}
	svc, ping, trig := load("services.yaml"), load("pingsources.yaml"), load("triggers.yaml")
	job, kust, canary, cfg := load("migrate-job.yaml"), load("kustomization.yaml"), load(deploy.KnativeCanaryFile), load("config.yaml")
	if p := check("services.yaml", svc); len(p) > 0 {
		t.Fatalf("infra/knative drifts already: %q", p)
	}

	// Services
	reports(t, check("services.yaml", edit(t, svc, "  name: quote\n", "  name: quote-old\n")), "service quote is missing")
	reports(t, check("services.yaml", edit(t, svc, "  name: quote\n", "  name: quote-old\n")), "service quote-old is no function")
	reports(t, check("services.yaml", edit(t, svc, "image: logifn/rates\n", "image: logifn/quote\n")), "service rates: image")
	reports(t, check("services.yaml", edit(t, svc, "memory: 1024Mi", "memory: 512Mi")), "service waybill-image-ingest: memory")
	reports(t, check("services.yaml", edit(t, svc, "timeoutSeconds: 900", "timeoutSeconds: 300")), "timeoutSeconds must be the manifest's 900")
	reports(t, check("services.yaml", edit(t, svc, "path: /readyz", "path: /ready")), "readinessProbe must get /readyz")
	reports(t, check("services.yaml", edit(t, svc, "readOnlyRootFilesystem: true", "readOnlyRootFilesystem: false")), "securityContext must")
	reports(t, check("services.yaml", edit(t, svc, "drop: [ALL]", "drop: [NET_RAW]")), "securityContext must")
	reports(t, check("services.yaml", edit(t, svc, "name: logifn\n                  key: LOGIFN_JWT_SECRET", "name: other\n                  key: LOGIFN_JWT_SECRET")), "env LOGIFN_JWT_SECRET must come from the Secret")
	reports(t, check("services.yaml", edit(t, svc, "      containerConcurrency:", "      containerConcurency:")), "field containerConcurency not found")
	reports(t, check("services.yaml", append(bytes.Clone(svc), "---\napiVersion: v1\nkind: Pod\n"...)), "v1 Pod is not used by logifn")

	// PingSources
	reports(t, check("pingsources.yaml", edit(t, ping, `schedule: "30 4 * * *"`, `schedule: "30 5 * * *"`)), "pingsource housekeeping: PingSource schedule")
	reports(t, check("pingsources.yaml", edit(t, ping, "timezone: Asia/Shanghai", "timezone: UTC")), "time zone differs")
	reports(t, check("pingsources.yaml", edit(t, ping, "  name: stale-sweep\n", "  name: stale-sweeper\n")), "pingsource stale-sweep (schedule of stale-sweep) is missing")
	reports(t, check("pingsources.yaml", edit(t, ping, "  name: stale-sweep\n", "  name: stale-sweeper\n")), "pingsource stale-sweeper is no schedule")
	reports(t, check("pingsources.yaml", edit(t, ping, "      name: auto-receipt\n", "      name: daily-report\n")), "pingsource auto-receipt: sink")
	reports(t, check("pingsources.yaml", edit(t, ping, "  timezone: UTC\n", "  timezone: UTC\n  data: \"x\"\n")), "data \"x\"")
	reports(t, check("pingsources.yaml", edit(t, ping, "  timezone: UTC\n", "  timezone: UTC\n  ceOverrides:\n    extensions:\n      name: other\n")), "would rename the tick")

	// Triggers
	reports(t, check("triggers.yaml", edit(t, trig, `type: "oss:ObjectCreated:"`, `type: "oss:ObjectRemoved:"`)), "filters must pass")
	reports(t, check("triggers.yaml", edit(t, trig, `"scans/*.csv,`, `"scan/*.csv,`)), "trigger scan-file-ingest-objects: object filters")
	reports(t, check("triggers.yaml", edit(t, trig, "  name: waybill-image-ingest-objects\n", "  name: waybill-image-objects\n")), "trigger waybill-image-ingest-objects (objects of waybill-image-ingest) is missing")
	reports(t, check("triggers.yaml", edit(t, trig, "      name: scan-file-ingest\n", "      name: quote\n")), "subscriber must be the Knative Service scan-file-ingest")

	// The rest
	reports(t, check("migrate-job.yaml", edit(t, job, "args: [migrate]", "args: [serve]")), "must run logifn/logifn with args [migrate]")
	reports(t, check("kustomization.yaml", edit(t, kust, "  - triggers.yaml\n", "")), "kustomization.yaml: resources")
	reports(t, check("config.yaml", edit(t, cfg, "LOGIFN_DB_DRIVER: mysql", "LOGIFN_DB_DRIVER: sqlite")), "LOGIFN_DB_DRIVER must be mysql")
	reports(t, check(deploy.KnativeCanaryFile, edit(t, canary, "percent: 10", "percent: 20")), "traffic must split 100 percent")
}
