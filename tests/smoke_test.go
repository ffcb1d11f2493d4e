package tests

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/logifn/logifn/shared/platform/lambdatest"
)

// platformBuild is one way the Makefile builds the functions for a
// platform: its tags variable, and the modes its binaries are started in
// with the object store that platform's configuration names.
type platformBuild struct {
	name  string // fc, lambda or knative
	tags  string // the Makefile variable holding its build tags
	modes []string
	blob  env // the object store of s.yaml, template.yaml or infra/knative
}

// platformBuilds are the deployed builds: make build for Function Compute
// (OSS, no S3 SDK), the SAM targets for Lambda (S3, no OSS SDK) and the
// Knative image (both SDKs; the plain HTTP mode runs that image outside
// Knative). Buckets are only opened, never reached, so no cloud is needed.
var platformBuilds = []platformBuild{
	{"fc", "FC_TAGS", []string{"fc"}, env{"LOGIFN_BLOB_DRIVER": "oss", "LOGIFN_BLOB_BUCKET": "logifn-uploads",
		"LOGIFN_BLOB_ENDPOINT":        "https://oss-cn-hangzhou-internal.aliyuncs.com",
		"ALIBABA_CLOUD_ACCESS_KEY_ID": "id", "ALIBABA_CLOUD_ACCESS_KEY_SECRET": "secret"}},
	{"lambda", "LAMBDA_TAGS", []string{"lambda"}, env{"LOGIFN_BLOB_DRIVER": "s3", "LOGIFN_BLOB_BUCKET": "logifn-uploads",
		"AWS_ACCESS_KEY_ID": "id", "AWS_SECRET_ACCESS_KEY": "secret", "AWS_SESSION_TOKEN": "token"}},
	{"knative", "TAGS", []string{"knative", "http"}, env{"LOGIFN_BLOB_DRIVER": "s3", "LOGIFN_BLOB_BUCKET": "logifn-uploads",
		"LOGIFN_BLOB_ENDPOINT": "http://minio.invalid:9000", "LOGIFN_BLOB_REGION": "us-east-1", "LOGIFN_BLOB_PATH_STYLE": "true",
		"AWS_ACCESS_KEY_ID": "id", "AWS_SECRET_ACCESS_KEY": "secret", "AWS_EC2_METADATA_DISABLED": "true"}},
}

// TestEveryBinaryStartsInEveryMode builds every function of the manifest
// for each platform as the Makefile does (with its tags, less nosqlite:
// the smoke runs on SQLite) and starts each build in its platform's modes
// with that platform's object store: the FC build on Function Compute's
// custom runtime with OSS, the Lambda build against the fake Runtime API
// with S3, the Knative build on Knative and on plain HTTP with S3/MinIO,
// asking each for /healthz. It builds 69 binaries, so it runs only when
// LOGIFN_SMOKE is set: `make smoke`.
func TestEveryBinaryStartsInEveryMode(t *testing.T) {
	if os.Getenv("LOGIFN_SMOKE") == "" {
		t.Skip("set LOGIFN_SMOKE=1 (make smoke) to start every binary in every mode")
	}
	root, err := moduleRoot()
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	names := coldStartFunctions()
	var wg sync.WaitGroup
	errs := make([]error, len(names)*len(platformBuilds))
	for p, pb := range platformBuilds {
		tags, err := makefileTags(root, pb.tags)
		if err != nil {
			t.Fatal(err)
		}
		t.Logf("%s build: -tags %s", pb.name, tags)
		for i, name := range names {
			wg.Go(func() {
				errs[p*len(names)+i] = goBuildTags(root, filepath.Join(dir, pb.name, name), "./functions/"+name+"/cmd", tags)
			})
		}
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	db := sqliteDatabase(t, binaries(t))
	common := db.env().with(env{"LOGIFN_INVOKE_BACKEND": "local"})
	for _, name := range names {
		t.Run(name, func(t *testing.T) {
			for _, pb := range platformBuilds {
				for _, mode := range pb.modes {
					startInMode(t, mode, name, filepath.Join(dir, pb.name, name), common.with(pb.blob))
				}
			}
		})
	}
	t.Run("builds refuse the store they leave out", func(t *testing.T) {
		bin := func(platform string) string { return filepath.Join(dir, platform, "image-list") }
		http := env{"LOGIFN_ADDR": "127.0.0.1:0"}
		refuses(t, bin("fc"), common.with(platformBuilds[1].blob).with(http), "tag nos3")
		refuses(t, bin("lambda"), common.with(platformBuilds[0].blob).with(http), "tag nooss")
	})
}

// startInMode starts bin on the platform mode names, with e, and checks
// that it answers /healthz.
func startInMode(t *testing.T, mode, name, bin string, e env) {
	t.Helper()
	servers := map[string]func(port string) env{
		"fc":      func(port string) env { return env{"FC_CUSTOM_LISTEN_PORT": port, "FC_FUNCTION_NAME": name} },
		"knative": func(port string) env { return env{"K_SERVICE": name, "PORT": port} },
		"http":    func(port string) env { return env{"LOGIFN_ADDR": "127.0.0.1:" + port} },
	}
	if vars, ok := servers[mode]; ok {
		p := startServer(t, name+" on "+mode, bin, func(port string) ([]string, env) { return nil, e.with(vars(port)) })
		p.stop(t)
		return
	}
	api := lambdatest.New(t)
	start(t, name+" on lambda", bin, nil, e.with(env{"AWS_LAMBDA_RUNTIME_API": api.Addr(), "AWS_LAMBDA_FUNCTION_NAME": name,
		"AWS_LAMBDA_FUNCTION_VERSION": "$LATEST", "AWS_LAMBDA_FUNCTION_MEMORY_SIZE": "128", "AWS_REGION": "us-east-1", "_HANDLER": "bootstrap"}))
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	out, errPayload, err := api.Invoke(ctx, httpAPIEvent("/healthz", "", ""))
	var resp struct {
		StatusCode int `json:"statusCode"`
	}
	if err != nil || errPayload != nil || json.Unmarshal(out, &resp) != nil || resp.StatusCode != 200 {
		t.Errorf("lambda /healthz: %s %s %v", out, errPayload, err)
	}
}

// refuses runs bin with e and wants it to exit non-zero at start, saying
// want.
func refuses(t *testing.T, bin string, e env, want string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), healthTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin)
	cmd.Env = baseEnv().with(e).list()
	out, err := cmd.CombinedOutput()
	if err == nil || ctx.Err() != nil || !strings.Contains(string(out), want) {
		t.Errorf("%s with LOGIFN_BLOB_DRIVER=%s: %v, output %q; want a failed start naming %q", filepath.Base(filepath.Dir(bin)), e["LOGIFN_BLOB_DRIVER"], err, out, want)
	}
}

// makefileTags asks make for the tags variable holds, less nosqlite.
func makefileTags(root, variable string) (string, error) {
	cmd := exec.Command("make", "-s", "--no-print-directory", "--eval", "print-tags: ; @echo $("+variable+")", "print-tags")
	cmd.Dir = root
	out, err := cmd.Output()
	if err != nil {
		return "", fmt.Errorf("make print-tags %s: %v", variable, err)
	}
	var keep []string
	for _, tag := range strings.Split(strings.TrimSpace(string(out)), ",") {
		if tag != "" && tag != "nosqlite" {
			keep = append(keep, tag)
		}
	}
	if len(keep) == 0 {
		return "", fmt.Errorf("the Makefile sets no %s", variable)
	}
	return strings.Join(keep, ","), nil
}
