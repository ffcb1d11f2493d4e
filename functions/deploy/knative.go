package deploy

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/logifn/logifn/shared/app"
	"github.com/logifn/logifn/shared/schedule"
)

// Knative settings every function shares. The images are logifn/<name>,
// built by infra/docker/Dockerfile with --build-arg FUNCTION=<name>; a
// kustomize images: entry points them at a registry.
const (
	KnativeDir             = "infra/knative"
	KnativeImagePrefix     = "logifn/"
	KnativeMigrateImage    = "logifn/logifn"
	KnativeSecret          = "logifn"
	KnativeConfigMap       = "logifn-config"
	KnativeBroker          = "default"
	KnativeMinScale        = 0
	KnativeMaxScale        = 10
	KnativeHTTPConcurrency = 50
	// Event functions take few events at once: each may run for minutes.
	KnativeEventConcurrency = 4
	KnativeRunAsUser        = 65532 // distroless nonroot
	// KnativeObjectTypePrefix is the CloudEvent type of an object creation
	// the adapter accepts from EventBridge (source acs.oss); the function
	// filters the keys itself.
	KnativeObjectTypePrefix = "oss:ObjectCreated:"
	KnativeObjectSource     = "acs.oss"
	// KnativeObjectsAnnotation lists a Trigger's object filters
	// (prefix*suffix), which the function applies.
	KnativeObjectsAnnotation = "logifn.dev/objects"
	KnativeCanaryFunction    = "shipment-get"
)

// KnativeFiles are the files kustomization.yaml lists, in order, and the
// canary example beside them, which it does not.
var (
	KnativeFiles      = []string{"config.yaml", "services.yaml", "pingsources.yaml", "triggers.yaml", "migrate-job.yaml"}
	KnativeCanaryFile = "examples/canary.yaml"
)

// KnativeConcurrency is a function's containerConcurrency.
func KnativeConcurrency(s app.Spec) int {
	if IsEvent(s) {
		return KnativeEventConcurrency
	}
	return KnativeHTTPConcurrency
}

// KnativeTriggerName names a function's Broker Trigger.
func KnativeTriggerName(s app.Spec) string { return s.Name + "-objects" }

// GenerateKnative writes infra/knative's files for specs, by name relative
// to that directory.
func GenerateKnative(specs []app.Spec) (map[string][]byte, error) {
	out := map[string][]byte{}
	file := func(name string, fill func(w func(string, ...any)) error) error {
		var b strings.Builder
		w := func(format string, a ...any) { fmt.Fprintf(&b, format+"\n", a...) }
		if err := fill(w); err != nil {
			return err
		}
		out[name] = []byte(b.String())
		return nil
	}
	header := func(w func(string, ...any), what string) {
		w("# %s", what)
		w("# Written from the manifest (functions/registry) by")
		w("# `go test ./functions/deploy -run TestKnative -update`; the drift tests in")
		w("# functions/deploy check it against the manifest.")
	}

	err := file("kustomization.yaml", func(w func(string, ...any)) error {
		w("# Knative: `kubectl apply -k infra/knative` (Knative Serving and Eventing,")
		w("# a Broker named %q in the namespace, and the Secret %q with", KnativeBroker, KnativeSecret)
		w("# LOGIFN_DB_DSN and LOGIFN_JWT_SECRET must exist). Run the migrate Job")
		w("# first. Point the images at a registry with `kustomize edit set image`.")
		w("apiVersion: kustomize.config.k8s.io/v1beta1")
		w("kind: Kustomization")
		w("resources:")
		for _, f := range KnativeFiles {
			w("  - %s", f)
		}
		w("images:")
		names := []string{KnativeMigrateImage}
		for _, s := range specs {
			names = append(names, KnativeImagePrefix+s.Name)
		}
		for _, n := range names {
			w("  - name: %s", n)
			w("    newTag: latest")
		}
		return nil
	})
	if err != nil {
		return nil, err
	}

	_ = file("config.yaml", func(w func(string, ...any)) error {
		header(w, "Settings every function reads. The secrets are not here: create them with")
		w("#   kubectl create secret generic %s --from-literal=LOGIFN_DB_DSN=... --from-literal=LOGIFN_JWT_SECRET=...", KnativeSecret)
		w("apiVersion: v1")
		w("kind: ConfigMap")
		w("metadata:")
		w("  name: %s", KnativeConfigMap)
		w("  labels:")
		w("    app.kubernetes.io/part-of: logifn")
		w("data:")
		w("  LOGIFN_DB_DRIVER: mysql")
		w("  LOGIFN_LOG_FORMAT: json")
		w("  LOGIFN_BLOB_DRIVER: s3")
		w("  LOGIFN_BLOB_BUCKET: logifn-uploads")
		w("  LOGIFN_BLOB_ENDPOINT: http://minio.minio.svc.cluster.local:9000")
		w("  LOGIFN_BLOB_REGION: us-east-1")
		w("  LOGIFN_BLOB_PATH_STYLE: \"true\"")
		return nil
	})

	container := func(w func(string, ...any), indent int, image string) {
		p := strings.Repeat(" ", indent)
		w("%s- image: %s", p, image)
		w("%s  envFrom:", p)
		w("%s    - configMapRef:", p)
		w("%s        name: %s", p, KnativeConfigMap)
		w("%s  env:", p)
		for _, k := range []string{"LOGIFN_DB_DSN", "LOGIFN_JWT_SECRET"} {
			w("%s    - name: %s", p, k)
			w("%s      valueFrom:", p)
			w("%s        secretKeyRef:", p)
			w("%s          name: %s", p, KnativeSecret)
			w("%s          key: %s", p, k)
		}
	}
	securityContext := func(w func(string, ...any), p string) {
		w("%ssecurityContext:", p)
		w("%s  runAsNonRoot: true", p)
		w("%s  runAsUser: %d", p, KnativeRunAsUser)
		w("%s  readOnlyRootFilesystem: true", p)
		w("%s  allowPrivilegeEscalation: false", p)
		w("%s  capabilities:", p)
		w("%s    drop: [ALL]", p)
		w("%s  seccompProfile:", p)
		w("%s    type: RuntimeDefault", p)
	}
	service := func(w func(string, ...any), s app.Spec, revision string) {
		w("apiVersion: serving.knative.dev/v1")
		w("kind: Service")
		w("metadata:")
		w("  name: %s", s.Name)
		w("  labels:")
		w("    app.kubernetes.io/name: %s", s.Name)
		w("    app.kubernetes.io/part-of: logifn")
		w("  annotations:")
		w("    logifn.dev/summary: %s", q(s.Summary))
		w("spec:")
		w("  template:")
		w("    metadata:")
		if revision != "" {
			w("      name: %s", revision)
		}
		w("      annotations:")
		w("        autoscaling.knative.dev/min-scale: %q", fmt.Sprint(KnativeMinScale))
		w("        autoscaling.knative.dev/max-scale: %q", fmt.Sprint(KnativeMaxScale))
		w("    spec:")
		w("      containerConcurrency: %d", KnativeConcurrency(s))
		w("      timeoutSeconds: %d", s.TimeoutSeconds)
		w("      containers:")
		container(w, 8, KnativeImagePrefix+s.Name)
		w("          ports:")
		w("            - containerPort: 8080")
		w("          resources:")
		w("            requests:")
		w("              cpu: 100m")
		w("              memory: %dMi", s.MemoryMB)
		w("            limits:")
		w("              memory: %dMi", s.MemoryMB)
		w("          readinessProbe:")
		w("            httpGet:")
		w("              path: /readyz")
		w("          livenessProbe:")
		w("            httpGet:")
		w("              path: /healthz")
		w("            periodSeconds: 10")
		w("            failureThreshold: 3")
		securityContext(w, "          ")
	}

	_ = file("services.yaml", func(w func(string, ...any)) error {
		header(w, "One Knative Service per function of the manifest.")
		for i, s := range specs {
			if i > 0 {
				w("---")
			}
			service(w, s, "")
		}
		return nil
	})

	err = file("pingsources.yaml", func(w func(string, ...any)) error {
		header(w, "One PingSource per schedule. Each is named after the schedule: the adapter\n# takes the tick's name from the last segment of the event source,\n# /apis/v1/namespaces/<namespace>/pingsources/<name>.")
		n := 0
		for _, s := range specs {
			for _, sc := range s.Schedules {
				c, err := schedule.Parse(sc.Cron, sc.TimeZone)
				if err != nil {
					return fmt.Errorf("%s: %w", s.Name, err)
				}
				p := c.Ping()
				if n > 0 {
					w("---")
				}
				n++
				w("apiVersion: sources.knative.dev/v1")
				w("kind: PingSource")
				w("metadata:")
				w("  name: %s", sc.Name)
				w("  labels:")
				w("    app.kubernetes.io/name: %s", s.Name)
				w("    app.kubernetes.io/part-of: logifn")
				w("spec:")
				w("  schedule: %s", q(p.Schedule))
				w("  timezone: %s", p.Timezone)
				if sc.Payload != "" {
					ct := "text/plain"
					if json.Valid([]byte(sc.Payload)) && strings.HasPrefix(strings.TrimSpace(sc.Payload), "{") {
						ct = "application/json"
					}
					w("  contentType: %s", ct)
					w("  data: %s", q(sc.Payload))
				}
				w("  sink:")
				w("    ref:")
				w("      apiVersion: serving.knative.dev/v1")
				w("      kind: Service")
				w("      name: %s", s.Name)
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}

	_ = file("triggers.yaml", func(w func(string, ...any)) error {
		header(w, "One Broker Trigger per function with object triggers. The Broker passes on\n# every object creation (EventBridge OSS events, type oss:ObjectCreated:*);\n# the function keeps the keys its manifest entry matches (the annotation\n# lists them). For an S3 or MinIO bridge, change the filter to its type.")
		n := 0
		for _, s := range specs {
			if len(s.Objects) == 0 {
				continue
			}
			if n > 0 {
				w("---")
			}
			n++
			w("apiVersion: eventing.knative.dev/v1")
			w("kind: Trigger")
			w("metadata:")
			w("  name: %s", KnativeTriggerName(s))
			w("  labels:")
			w("    app.kubernetes.io/name: %s", s.Name)
			w("    app.kubernetes.io/part-of: logifn")
			w("  annotations:")
			w("    %s: %s", KnativeObjectsAnnotation, q(strings.Join(objectSet(s.Objects), ",")))
			w("spec:")
			w("  broker: %s", KnativeBroker)
			w("  filters:")
			w("    - exact:")
			w("        source: %s", KnativeObjectSource)
			w("    - prefix:")
			w("        type: %s", q(KnativeObjectTypePrefix))
			w("  subscriber:")
			w("    ref:")
			w("      apiVersion: serving.knative.dev/v1")
			w("      kind: Service")
			w("      name: %s", s.Name)
		}
		return nil
	})

	_ = file("migrate-job.yaml", func(w func(string, ...any)) error {
		w("# Applies the database migrations: `logifn migrate` with the functions'")
		w("# settings. Functions never migrate the schema themselves; run it before")
		w("# the Services roll out. The image %s holds the CLI (cmd/logifn):", KnativeMigrateImage)
		w("#   docker build -f infra/knative/migrate.Dockerfile -t %s .", KnativeMigrateImage)
		w("apiVersion: batch/v1")
		w("kind: Job")
		w("metadata:")
		w("  name: logifn-migrate")
		w("  labels:")
		w("    app.kubernetes.io/name: logifn-migrate")
		w("    app.kubernetes.io/part-of: logifn")
		w("spec:")
		w("  backoffLimit: 3")
		w("  ttlSecondsAfterFinished: 3600")
		w("  template:")
		w("    spec:")
		w("      restartPolicy: OnFailure")
		w("      containers:")
		w("        - name: migrate")
		w("          image: %s", KnativeMigrateImage)
		w("          args: [migrate]")
		w("          envFrom:")
		w("            - configMapRef:")
		w("                name: %s", KnativeConfigMap)
		w("          env:")
		for _, k := range []string{"LOGIFN_DB_DSN", "LOGIFN_JWT_SECRET"} {
			w("            - name: %s", k)
			w("              valueFrom:")
			w("                secretKeyRef:")
			w("                  name: %s", KnativeSecret)
			w("                  key: %s", k)
		}
		securityContext(w, "          ")
		return nil
	})

	var canary app.Spec
	for _, s := range specs {
		if s.Name == KnativeCanaryFunction {
			canary = s
		}
	}
	if canary.Name == "" {
		return nil, fmt.Errorf("canary example: no function %s in the manifest", KnativeCanaryFunction)
	}
	_ = file(KnativeCanaryFile, func(w func(string, ...any)) error {
		w("# Canary release of %s (not part of the kustomization): apply it in place", canary.Name)
		w("# of the Service in services.yaml once the revision %s-v1 exists.", canary.Name)
		w("# The new template becomes revision %s-v2 and gets 10%% of the traffic,", canary.Name)
		w("# tagged canary (reachable at canary-%s.<domain>); raise its percent", canary.Name)
		w("# step by step, then give it 100.")
		service(w, canary, canary.Name+"-v2")
		w("  traffic:")
		w("    - revisionName: %s-v1", canary.Name)
		w("      tag: stable")
		w("      percent: 90")
		w("    - revisionName: %s-v2", canary.Name)
		w("      tag: canary")
		w("      percent: 10")
		return nil
	})
	return out, nil
}
