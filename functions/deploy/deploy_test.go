package deploy_test

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/logifn/logifn/functions/deploy"
	"github.com/logifn/logifn/functions/registry"
)

// go test ./functions/deploy -run TestDeployFiles -update rewrites s.yaml
// and template.yaml from the manifest.
var update = flag.Bool("update", false, "rewrite s.yaml and template.yaml from the manifest")

var root = filepath.Join("..", "..")

func read(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(root, name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func loadS(t *testing.T) *deploy.SFile {
	t.Helper()
	f, err := deploy.DecodeS(bytes.NewReader(read(t, "s.yaml")))
	if err != nil {
		t.Fatal(err)
	}
	return f
}

func loadTemplate(t *testing.T) *deploy.Template {
	t.Helper()
	f, err := deploy.DecodeTemplate(bytes.NewReader(read(t, "template.yaml")))
	if err != nil {
		t.Fatal(err)
	}
	return f
}

func TestDeployFiles(t *testing.T) {
	if *update {
		s, err := deploy.GenerateS(registry.All())
		if err != nil {
			t.Fatal(err)
		}
		tpl, err := deploy.GenerateTemplate(registry.All())
		if err != nil {
			t.Fatal(err)
		}
		for name, b := range map[string][]byte{"s.yaml": s, "template.yaml": tpl} {
			if err := os.WriteFile(filepath.Join(root, name), b, 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
	t.Run("s.yaml", func(t *testing.T) {
		for _, p := range deploy.CheckS(registry.All(), loadS(t)) {
			t.Error(p)
		}
	})
	t.Run("template.yaml", func(t *testing.T) {
		for _, p := range deploy.CheckTemplate(registry.All(), loadTemplate(t), string(read(t, "Makefile"))) {
			t.Error(p)
		}
	})
}

// TestGeneratedMatch checks the generators themselves: what they write
// passes the checks.
func TestGeneratedMatch(t *testing.T) {
	s, err := deploy.GenerateS(registry.All())
	if err != nil {
		t.Fatal(err)
	}
	f, err := deploy.DecodeS(bytes.NewReader(s))
	if err != nil {
		t.Fatal(err)
	}
	if p := deploy.CheckS(registry.All(), f); len(p) > 0 {
		t.Errorf("generated s.yaml: %q", p)
	}
	tb, err := deploy.GenerateTemplate(registry.All())
	if err != nil {
		t.Fatal(err)
	}
	tpl, err := deploy.DecodeTemplate(bytes.NewReader(tb))
	if err != nil {
		t.Fatal(err)
	}
	if p := deploy.CheckTemplate(registry.All(), tpl, string(read(t, "Makefile"))); len(p) > 0 {
		t.Errorf("generated template.yaml: %q", p)
	}
}

// edit applies a textual change to a copy of a deploy file, failing when
// the text to change is absent.
func edit(t *testing.T, b []byte, old, new string) []byte {
	t.Helper()
	if !bytes.Contains(b, []byte(old)) {
		t.Fatalf("%q not found", old)
	}
	return bytes.Replace(b, []byte(old), []byte(new), 1)
}

func reports(t *testing.T, got []string, want string) {
	t.Helper()
	for _, p := range got {
		if strings.Contains(p, want) {
			return
		}
	}
	t.Errorf("no problem mentions %q; got %q", want, got)
}

// The checks bite: each mutation of an in-memory copy is reported.
func TestChecksCatchDrift(t *testing.T) {
	specs := registry.All()
	sfile, tfile, mk := read(t, "s.yaml"), read(t, "template.yaml"), string(read(t, "Makefile"))
	checkS := func(b []byte) []string {
		f, err := deploy.DecodeS(bytes.NewReader(b))
		if err != nil {
			return []string{err.Error()}
		}
		return deploy.CheckS(specs, f)
	}
	checkT := func(b []byte, mk string) []string {
		f, err := deploy.DecodeTemplate(bytes.NewReader(b))
		if err != nil {
			return []string{err.Error()}
		}
		return deploy.CheckTemplate(specs, f, mk)
	}
	if p := checkS(sfile); len(p) > 0 {
		t.Fatalf("s.yaml drifts already: %q", p)
	}
	if p := checkT(tfile, mk); len(p) > 0 {
		t.Fatalf("template.yaml drifts already: %q", p)
	}

	// s.yaml
	reports(t, checkS(edit(t, sfile, `"GET /v1/shipments/{waybill}"`, `"GET /v1/shipment/{waybill}"`)), "shipment-get: routes")
	reports(t, checkS(edit(t, sfile, "methods: [PUT]", "methods: [POST]")), "station-put trigger http: methods")
	reports(t, checkS(edit(t, sfile, `cronExpression: "CRON_TZ=Asia/Shanghai 0 0 3 * * *"`, `cronExpression: "CRON_TZ=UTC 0 0 3 * * *"`)), "timer auto-receipt")
	reports(t, checkS(edit(t, sfile, "        - triggerName: housekeeping\n", "        - triggerName: housekeeping-old\n")), "schedule housekeeping has no timer trigger")
	reports(t, checkS(edit(t, sfile, `prefix: "scans/"`, `prefix: "scan/"`)), "scan-file-ingest: object filters")
	reports(t, checkS(edit(t, sfile, "memorySize: 1024", "memorySize: 512")), "waybill-image-ingest: memorySize 512")
	reports(t, checkS(edit(t, sfile, "timeout: 180", "timeout: 60")), "webhook-dispatch: timeout 60")
	reports(t, checkS(append(bytes.Clone(sfile), "  extra-fn:\n    component: fc3\n"...)), "resource extra-fn is no function")
	reports(t, checkS(edit(t, sfile, "  quote:\n", "  quote-old:\n")), "function quote is missing")
	reports(t, checkS(edit(t, sfile, "      handler: bootstrap\n", "      handler: bootstrap\n      hander: x\n")), "field hander not found")
	reports(t, checkS(edit(t, sfile, "    LOGIFN_DB_DRIVER: mysql", "    LOGIFN_DB_DRIVER: sqlite")), "LOGIFN_DB_DRIVER")

	// template.yaml
	reports(t, checkT(edit(t, tfile, "Path: /v1/shipments/{waybill}/receipt", "Path: /v1/shipments/{id}/receipt"), mk), "ShipmentReceiptFunction: routes")
	reports(t, checkT(edit(t, tfile, `ScheduleExpression: "cron(30 4 * * ? *)"`, `ScheduleExpression: "cron(30 5 * * ? *)"`), mk), "schedule housekeeping")
	reports(t, checkT(edit(t, tfile, "Name: stale-sweep\n", "Name: stale-sweeper\n"), mk), "schedule stale-sweep has no ScheduleV2")
	reports(t, checkT(edit(t, tfile, `{Name: suffix, Value: ".png"}`, `{Name: suffix, Value: ".gif"}`), mk), "WaybillImageIngestFunction: object filters")
	reports(t, checkT(edit(t, tfile, "Timeout: 900", "Timeout: 300"), mk), "Timeout 300")
	reports(t, checkT(edit(t, tfile, "  ShipmentTrackFunction:\n", "  ShipmentTrackFunction:\n    Type: AWS::Serverless::Function\n    Properties: {CodeUri: .}\n  ShipmentTrackerFunction:\n"), mk), "ShipmentTrackerFunction is no function")
	reports(t, checkT(edit(t, tfile, "      CodeUri: .\n", "      CodeUri: .\n      Codeuri: .\n"), mk), "field Codeuri not found")
	reports(t, checkT(tfile, strings.Replace(mk, "build-QuoteFunction:", "build-QuoteFunc:", 1)), "no build-QuoteFunction target")
	// A role granted what its function does not use, or missing what it does.
	reports(t, checkT(edit(t, tfile, "      FunctionName: !Sub \"${AWS::StackName}-console\"\n", "      FunctionName: !Sub \"${AWS::StackName}-console\"\n      Policies:\n        - S3CrudPolicy:\n            BucketName: !Ref UploadBucketName\n"), mk), "ConsoleFunction: policies")
	imageList := "      Timeout: 5\n      Policies:\n        - S3CrudPolicy:\n            BucketName: !Ref UploadBucketName\n      Events:\n        Http1:\n          Type: HttpApi\n          Properties:\n            Method: GET\n            Path: /v1/shipments/{waybill}/images\n"
	reports(t, checkT(edit(t, tfile, imageList, strings.Replace(imageList, "      Policies:\n        - S3CrudPolicy:\n            BucketName: !Ref UploadBucketName\n", "", 1)), mk), "ImageListFunction: policies are []")
}

func buildDrivers(t *testing.T) deploy.BuildDrivers {
	t.Helper()
	k, err := deploy.DecodeKnative(func(name string) ([]byte, error) { return os.ReadFile(filepath.Join(root, "infra", "knative", name)) })
	if err != nil {
		t.Fatal(err)
	}
	d := deploy.BuildDrivers{FC: loadS(t).Vars.Environment["LOGIFN_BLOB_DRIVER"],
		Lambda: loadTemplate(t).Globals.Function.Environment.Variables["LOGIFN_BLOB_DRIVER"].Value}
	for _, cm := range k.ConfigMaps {
		if cm.Metadata.Name == "logifn-config" {
			d.Knative = cm.Data["LOGIFN_BLOB_DRIVER"]
		}
	}
	if d.FC != "oss" || d.Lambda != "s3" || d.Knative == "" {
		t.Fatalf("object store drivers %+v, want oss on FC, s3 on Lambda and one on Knative", d)
	}
	return d
}

// Each platform's build keeps the object store its configuration names,
// and the checks bite when a build or a configuration changes.
func TestBuildTagsKeepEachPlatformsStore(t *testing.T) {
	mk, docker, d := string(read(t, "Makefile")), string(read(t, "infra/docker/Dockerfile")), buildDrivers(t)
	if p := deploy.CheckBuildTags(mk, docker, d); len(p) > 0 {
		t.Fatalf("build tags drift: %q", p)
	}
	vars := deploy.MakefileVars(mk)
	if fc, lambda := vars[deploy.FCTagsVar], vars[deploy.LambdaTagsVar]; !strings.Contains(fc, "nos3") || !strings.Contains(lambda, "nooss") {
		t.Errorf("FC_TAGS %q, LAMBDA_TAGS %q: want each to leave the other platform's SDK out", fc, lambda)
	}
	swapped := d
	swapped.FC, swapped.Lambda = d.Lambda, d.FC
	reports(t, deploy.CheckBuildTags(mk, docker, swapped), "FC_TAGS")
	reports(t, deploy.CheckBuildTags(mk, docker, swapped), "LAMBDA_TAGS")
	lambdaBuild := regexp.MustCompile(`(?m)^lambda-build = .*$`)
	reports(t, deploy.CheckBuildTags(lambdaBuild.ReplaceAllStringFunc(mk, func(line string) string {
		return strings.Replace(line, "$(LAMBDA_TAGS)", "$(TAGS),nooss", 1)
	}), docker, d), "lambda-build does not build with $(LAMBDA_TAGS)")
	reports(t, deploy.CheckBuildTags(strings.Replace(mk, "FC_TAGS", "FCTAGS", 1), docker, d), "no FC_TAGS")
	reports(t, deploy.CheckBuildTags(mk, strings.Replace(docker, "nosqlite", "nosqlite,nooss", 1), d), "leaves oss out")
}
