package tests

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/logifn/logifn/shared/app/apptest"
	"github.com/logifn/logifn/shared/blob"
	"github.com/logifn/logifn/shared/blob/local"
	"github.com/logifn/logifn/shared/demo"
	"github.com/logifn/logifn/shared/domain"
	"github.com/logifn/logifn/shared/platform/lambdatest"
	"github.com/logifn/logifn/shared/store"
	"github.com/logifn/logifn/shared/store/storetest"
)

// The runtime contract of the event functions: each platform's event
// shapes, delivered to the built binaries, reach the same handlers and
// are answered as the platform expects (handled, dropped, retried or
// rejected).

// uploadBucket is the bucket of the contract tests' events and processes.
const uploadBucket = "logifn-uploads"

// objectWorld is a seeded database and a local bucket that the test and
// the function processes share.
type objectWorld struct {
	db     database
	st     *store.Store
	dir    string
	bucket *local.Store
}

func newObjectWorld(t *testing.T, bins binDir) *objectWorld {
	t.Helper()
	db := sqliteDatabase(t, bins)
	dir := t.TempDir()
	bs, err := local.Open(local.Config{Dir: dir, Bucket: uploadBucket, BaseURL: "http://127.0.0.1:1", Secret: []byte(jwtSecret)})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { bs.Close() })
	return &objectWorld{db: db, st: db.open(t), dir: dir, bucket: bs}
}

// env is the environment of a function reading w's database and bucket.
func (w *objectWorld) env() env {
	return w.db.env().with(env{"LOGIFN_BLOB_DRIVER": "local", "LOGIFN_BLOB_DIR": w.dir, "LOGIFN_BLOB_BUCKET": uploadBucket,
		"LOGIFN_INVOKE_BACKEND": "local"})
}

// newShipments creates n shipments of customer-1 from SHA-01 to
// BJS-01, status created, and returns their waybills.
func (w *objectWorld) newShipments(t *testing.T, n int) []domain.Waybill {
	t.Helper()
	var out []domain.Waybill
	for range n {
		sh := storetest.Shipment(demo.Tenant)
		sh.CustomerID, sh.OriginStation, sh.DestinationStation = "customer-1", "SHA-01", "BJS-01"
		if _, err := w.st.CreateShipment(context.Background(), sh, sh.CustomerID, ""); err != nil {
			t.Fatalf("create a shipment: %v", err)
		}
		out = append(out, sh.Waybill)
	}
	return out
}

// putScan puts a scan file under key that picks wb up at SHA-01.
func (w *objectWorld) putScan(t *testing.T, key string, wb domain.Waybill) blob.Object {
	t.Helper()
	csv := "waybill,type,station,occurred_at,actor,incident_reason,note\n" +
		fmt.Sprintf("%s,pickup,SHA-01,%s,scanner-7,,\n", wb, time.Now().UTC().Format(time.RFC3339Nano))
	obj, err := w.bucket.Put(context.Background(), key, strings.NewReader(csv), int64(len(csv)), "text/csv")
	if err != nil {
		t.Fatalf("put %s: %v", key, err)
	}
	return obj
}

// waitIngested waits until every waybill is picked up and every scan
// file's report is written.
func (w *objectWorld) waitIngested(t *testing.T, wbs []domain.Waybill, keys []string) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for _, wb := range wbs {
		for {
			sh, err := w.st.ShipmentByWaybill(context.Background(), demo.Tenant, wb)
			if err == nil && sh.Status == domain.StatusPickedUp {
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("shipment %s is not picked up after its scan file: %+v, %v", wb, sh, err)
			}
			time.Sleep(20 * time.Millisecond)
		}
	}
	for _, key := range keys {
		report := "scan-results/" + strings.TrimPrefix(key, "scans/") + ".report.csv"
		for {
			if _, err := w.bucket.Stat(context.Background(), report); err == nil {
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("no report %s for %s", report, key)
			}
			time.Sleep(20 * time.Millisecond)
		}
	}
}

// fcOSSEvent is a Function Compute OSS trigger event, one record per
// object, as the trigger sends a batch.
func fcOSSEvent(objs ...blob.Object) []byte {
	var records []map[string]any
	for i, o := range objs {
		records = append(records, map[string]any{
			"eventName": "ObjectCreated:PutObject", "eventSource": "acs:oss", "eventVersion": "1.0",
			"eventTime": time.Now().UTC().Format(time.RFC3339Nano), "region": "cn-hangzhou",
			"oss": map[string]any{
				"bucket": map[string]any{"name": uploadBucket, "arn": "acs:oss:cn-hangzhou:1234567890123456:" + uploadBucket},
				"object": map[string]any{"key": o.Key, "size": o.Size, "eTag": strings.ToUpper(o.ETag), "objectMeta": map[string]any{"mimeType": "text/csv"}},
			},
			"responseElements": map[string]any{"requestId": fmt.Sprintf("62A2E2EFD0DEFE3930847A%02X", i)},
		})
	}
	b, _ := json.Marshal(map[string]any{"events": records})
	return b
}

// ossRecord is one OSS record, the data of an EventBridge OSS CloudEvent.
func ossRecord(o blob.Object) []byte {
	var ev struct {
		Events []json.RawMessage `json:"events"`
	}
	json.Unmarshal(fcOSSEvent(o), &ev)
	return ev.Events[0]
}

// s3Event is an S3 notification of objs, keys URL-encoded as S3 sends them.
func s3Event(objs ...blob.Object) events.S3Event {
	var e events.S3Event
	for _, o := range objs {
		e.Records = append(e.Records, events.S3EventRecord{
			EventVersion: "2.1", EventSource: "aws:s3", AWSRegion: "us-east-1", EventTime: time.Now().UTC(), EventName: "ObjectCreated:Put",
			S3: events.S3Entity{
				Bucket: events.S3Bucket{Name: uploadBucket, Arn: "arn:aws:s3:::" + uploadBucket},
				Object: events.S3Object{Key: s3EncodeKey(o.Key), Size: o.Size, ETag: o.ETag},
			},
		})
	}
	return e
}

// s3EncodeKey encodes key as S3 does in its notifications: each segment
// query-escaped ("a b" -> "a+b"), the slashes kept.
func s3EncodeKey(key string) string {
	parts := strings.Split(key, "/")
	for i, p := range parts {
		parts[i] = url.QueryEscape(p)
	}
	return strings.Join(parts, "/")
}

func mustJSON(t *testing.T, v any) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// eventResult is the body of an answered event delivery.
type eventResult struct {
	Status    string `json:"status"`
	ErrorKind string `json:"error_kind"`
	RequestID string `json:"request_id"`
}

// handled checks that res is a 200 "handled" answer for request id.
func handled(t *testing.T, res *apptest.Response, id string) {
	t.Helper()
	if res.Status != http.StatusOK {
		t.Fatalf("status %d, want 200: %s", res.Status, res.Body)
	}
	var r eventResult
	res.JSON(t, &r)
	if r.Status != "handled" || r.RequestID != id {
		t.Errorf("answer %s, want handled for request %s", res.Body, id)
	}
}

func TestFCEventContract(t *testing.T) {
	t.Parallel()
	bins := binaries(t)
	w := newObjectWorld(t, bins)
	fcEnv := func(name string) launch {
		return func(port string) ([]string, env) {
			return nil, w.env().with(env{"FC_CUSTOM_LISTEN_PORT": port, "FC_FUNCTION_NAME": name, "FC_REGION": "cn-hangzhou"})
		}
	}
	ingest := startServer(t, "scan-file-ingest on fc", bins.function("scan-file-ingest"), fcEnv("scan-file-ingest"))
	sweep := startServer(t, "stale-sweep on fc", bins.function("stale-sweep"), fcEnv("stale-sweep"))

	t.Run("oss batch of two", func(t *testing.T) {
		wbs := w.newShipments(t, 2)
		keys := []string{"scans/demo/SHA-01/fc-shift-1.csv", "scans/demo/SHA-01/fc-shift-2.csv"}
		objs := []blob.Object{w.putScan(t, keys[0], wbs[0]), w.putScan(t, keys[1], wbs[1])}
		res := ingest.do(t, request{method: "POST", path: "/invoke", body: fcOSSEvent(objs...),
			header: map[string]string{"x-fc-request-id": "req-oss-1", "x-fc-invocation-type": "Async"}})
		handled(t, res, "req-oss-1")
		if got := res.Header.Get("x-fc-status"); got != "200" {
			t.Errorf("x-fc-status %q, want 200", got)
		}
		w.waitIngested(t, wbs, keys)
		for _, key := range keys {
			ingest.waitLog(t, map[string]any{"request_id": "req-oss-1", "message": "event handled", "event": "object_created", "object_key": key})
		}
	})
	t.Run("oss event for another bucket is dropped", func(t *testing.T) {
		obj := w.putScan(t, "scans/demo/SHA-01/fc-elsewhere.csv", w.newShipments(t, 1)[0])
		ev := bytes.ReplaceAll(fcOSSEvent(obj), []byte(`"name":"`+uploadBucket+`"`), []byte(`"name":"another-bucket"`))
		res := ingest.do(t, request{method: "POST", path: "/invoke", body: ev, header: map[string]string{"x-fc-request-id": "req-oss-2"}})
		var r eventResult
		res.JSON(t, &r)
		if res.Status != http.StatusOK || r.Status != "dropped" || r.RequestID != "req-oss-2" || res.Header.Get("x-fc-status") != "200" {
			t.Errorf("%d %s (x-fc-status %q), want 200 dropped for req-oss-2, not retried", res.Status, res.Body, res.Header.Get("x-fc-status"))
		}
	})
	t.Run("timer", func(t *testing.T) {
		ev := mustJSON(t, map[string]string{"triggerTime": time.Now().UTC().Format(time.RFC3339), "triggerName": "stale-sweep", "payload": `{"tenant":"demo"}`})
		res := sweep.do(t, request{method: "POST", path: "/invoke", body: ev, header: map[string]string{"x-fc-request-id": "req-timer-1"}})
		handled(t, res, "req-timer-1")
		sweep.waitLog(t, map[string]any{"request_id": "req-timer-1", "message": "stale sweep", "tenant": "demo"})
		sweep.waitLog(t, map[string]any{"request_id": "req-timer-1", "message": "event handled", "event": "tick", "tick": "stale-sweep", "function": "stale-sweep", "platform": "fc"})
	})
	t.Run("timer with a payload the job does not take is dropped", func(t *testing.T) {
		ev := mustJSON(t, map[string]string{"triggerTime": time.Now().UTC().Format(time.RFC3339), "triggerName": "stale-sweep", "payload": `{"max_age_hours":72}`})
		res := sweep.do(t, request{method: "POST", path: "/invoke", body: ev, header: map[string]string{"x-fc-request-id": "req-timer-2"}})
		var r eventResult
		res.JSON(t, &r)
		if res.Status != http.StatusOK || r.Status != "dropped" || r.ErrorKind != string(domain.KindInvalid) {
			t.Errorf("%d %s, want 200 dropped (invalid)", res.Status, res.Body)
		}
	})
	t.Run("oss event to a function without an object handler", func(t *testing.T) {
		res := sweep.do(t, request{method: "POST", path: "/invoke", body: fcOSSEvent(blob.Object{Key: "scans/demo/SHA-01/x.csv", Size: 1, ETag: "00"}),
			header: map[string]string{"x-fc-request-id": "req-oss-3"}})
		if e := res.Err(t, http.StatusBadRequest); e.Error.Code != "no_handler" || e.RequestID != "req-oss-3" {
			t.Errorf("error %+v, want no_handler for req-oss-3", e)
		}
	})
	t.Run("lifecycle hooks", func(t *testing.T) {
		for _, p := range []*process{ingest, sweep} {
			for _, r := range []request{{method: "POST", path: "/initialize"}, {method: "GET", path: "/pre-stop"}} {
				r.header = map[string]string{"x-fc-request-id": "req-hook"}
				if res := p.do(t, r); res.Status != http.StatusOK {
					t.Errorf("%s: %s %s: %d %s, want 200", p.name, r.method, r.path, res.Status, res.Body)
				}
			}
		}
	})
	t.Run("logs are JSON", func(t *testing.T) {
		ingest.checkJSONLogs(t)
		sweep.checkJSONLogs(t)
	})
}

// startLambda starts a function against a fake Runtime API.
func startLambda(t *testing.T, bins binDir, name string, e env) (*process, *lambdatest.RuntimeAPI) {
	t.Helper()
	api := lambdatest.New(t)
	p := start(t, name+" on lambda", bins.function(name), nil, e.with(env{
		"AWS_LAMBDA_RUNTIME_API": api.Addr(), "AWS_LAMBDA_FUNCTION_NAME": name, "AWS_LAMBDA_FUNCTION_VERSION": "$LATEST",
		"AWS_LAMBDA_FUNCTION_MEMORY_SIZE": "256", "AWS_REGION": "us-east-1", "_HANDLER": "bootstrap",
	}))
	return p, api
}

// scheduledEvent is an EventBridge scheduled event of rule, with detail.
func scheduledEvent(rule, detail string) []byte {
	b, _ := json.Marshal(map[string]any{
		"version": "0", "id": fmt.Sprintf("sched-%d", time.Now().UnixNano()), "detail-type": "Scheduled Event", "source": "aws.events",
		"account": "123456789012", "time": time.Now().UTC().Format(time.RFC3339), "region": "us-east-1",
		"resources": []string{"arn:aws:events:us-east-1:123456789012:rule/" + rule}, "detail": json.RawMessage(detail),
	})
	return b
}

// succeeded checks a Lambda invocation of an event that is not HTTP
// succeeded: no error document.
func succeeded(t *testing.T, r lambdaResult) {
	t.Helper()
	if r.errDoc != nil {
		t.Fatalf("invocation error %s, want success", r.errDoc)
	}
	if s := strings.TrimSpace(string(r.resp)); s != "null" && s != "" {
		t.Errorf("response %s, want null", r.resp)
	}
}

func TestLambdaEventContract(t *testing.T) {
	t.Parallel()
	bins := binaries(t)
	w := newObjectWorld(t, bins)
	ingest, ingestAPI := startLambda(t, bins, "scan-file-ingest", w.env())
	sweep, sweepAPI := startLambda(t, bins, "stale-sweep", w.db.env().with(env{"LOGIFN_INVOKE_BACKEND": "local"}))
	// The same function without object storage: each object fails with an
	// internal error, which must reach Lambda so that it retries.
	broken, brokenAPI := startLambda(t, bins, "scan-file-ingest", w.db.env().with(env{"LOGIFN_INVOKE_BACKEND": "local"}))

	t.Run("s3", func(t *testing.T) {
		wbs := w.newShipments(t, 2)
		keys := []string{"scans/demo/SHA-01/lambda shift+1.csv", "scans/demo/SHA-01/lambda-2.csv"}
		e := s3Event(w.putScan(t, keys[0], wbs[0]), w.putScan(t, keys[1], wbs[1]))
		succeeded(t, invokeEvent(t, ingest, ingestAPI, mustJSON(t, e)))
		w.waitIngested(t, wbs, keys)
		ingest.waitLog(t, map[string]any{"message": "event handled", "event": "object_created", "object_key": keys[0], "platform": "lambda"})
	})
	t.Run("s3 event of an object that is not a scan file is dropped", func(t *testing.T) {
		e := s3Event(blob.Object{Key: "scans/demo/notes.txt", Size: 3, ETag: "00"})
		succeeded(t, invokeEvent(t, ingest, ingestAPI, mustJSON(t, e)))
	})
	t.Run("scheduled", func(t *testing.T) {
		succeeded(t, invokeEvent(t, sweep, sweepAPI, scheduledEvent("stale-sweep", `{"tenant":"demo"}`)))
		sweep.waitLog(t, map[string]any{"message": "stale sweep", "tenant": "demo"})
		sweep.waitLog(t, map[string]any{"message": "event handled", "event": "tick", "tick": "stale-sweep", "platform": "lambda"})
	})
	t.Run("scheduled without detail", func(t *testing.T) {
		succeeded(t, invokeEvent(t, ingest, ingestAPI, scheduledEvent("scan-file-resume", `{}`)))
		ingest.waitLog(t, map[string]any{"message": "event handled", "event": "tick", "tick": "scan-file-resume"})
	})
	t.Run("event without a handler", func(t *testing.T) {
		r := invokeEvent(t, sweep, sweepAPI, mustJSON(t, s3Event(blob.Object{Key: "scans/demo/SHA-01/x.csv", Size: 1, ETag: "00"})))
		if r.resp != nil || !strings.Contains(string(r.errDoc), "no object handler") {
			t.Errorf("response %s, error %s; want an invocation error: stale-sweep has no object handler", r.resp, r.errDoc)
		}
	})
	t.Run("retryable failure", func(t *testing.T) {
		obj := w.putScan(t, "scans/demo/SHA-01/lambda-retry.csv", w.newShipments(t, 1)[0])
		r := invokeEvent(t, broken, brokenAPI, mustJSON(t, s3Event(obj)))
		if r.resp != nil || !strings.Contains(string(r.errDoc), "redelivery requested") {
			t.Errorf("response %s, error %s; want an invocation error asking for redelivery", r.resp, r.errDoc)
		}
		broken.waitLog(t, map[string]any{"message": "event failed, redelivery requested", "error_kind": "internal"})
	})
	t.Run("logs are JSON", func(t *testing.T) {
		for _, p := range []*process{ingest, sweep, broken} {
			p.checkJSONLogs(t)
		}
	})
}

// lambdaResult is how a Lambda invocation ended: a response or an error
// document.
type lambdaResult struct {
	resp, errDoc []byte
}

// invokeEvent invokes a Lambda function with an event payload.
func invokeEvent(t *testing.T, p *process, api *lambdatest.RuntimeAPI, payload []byte) lambdaResult {
	t.Helper()
	resp, errDoc := invoke(t, p, api, payload)
	return lambdaResult{resp, errDoc}
}

func TestKnativeEventContract(t *testing.T) {
	t.Parallel()
	bins := binaries(t)
	w := newObjectWorld(t, bins)
	knEnv := func(name string) launch {
		return func(port string) ([]string, env) {
			return nil, w.env().with(env{"K_SERVICE": name, "K_CONFIGURATION": name, "K_REVISION": name + "-00001", "PORT": port})
		}
	}
	ingest := startServer(t, "scan-file-ingest on knative", bins.function("scan-file-ingest"), knEnv("scan-file-ingest"))
	sweep := startServer(t, "stale-sweep on knative", bins.function("stale-sweep"), knEnv("stale-sweep"))
	now := func() string { return time.Now().UTC().Format(time.RFC3339) }
	binary := func(id, source, typ string, extra map[string]string) map[string]string {
		h := map[string]string{"Ce-Specversion": "1.0", "Ce-Id": id, "Ce-Source": source, "Ce-Type": typ, "Ce-Time": now()}
		for k, v := range extra {
			h[k] = v
		}
		return h
	}
	structured := func(t *testing.T, id, source, typ string, data json.RawMessage) request {
		b := mustJSON(t, map[string]any{"specversion": "1.0", "id": id, "source": source, "type": typ, "time": now(),
			"datacontenttype": "application/json", "data": data})
		return request{method: "POST", path: "/", body: b, contentType: "application/cloudevents+json"}
	}
	const pingSource = "/apis/v1/namespaces/logifn/pingsources/stale-sweep"
	const pingType = "dev.knative.sources.ping"

	t.Run("ping, binary mode", func(t *testing.T) {
		res := sweep.do(t, request{method: "POST", path: "/", body: `{"tenant":"demo"}`, header: binary("ping-bin-1", pingSource, pingType, nil)})
		handled(t, res, "ping-bin-1")
		sweep.waitLog(t, map[string]any{"request_id": "ping-bin-1", "message": "stale sweep", "tenant": "demo"})
		sweep.waitLog(t, map[string]any{"request_id": "ping-bin-1", "message": "event handled", "tick": "stale-sweep", "platform": "knative"})
	})
	t.Run("ping, structured mode", func(t *testing.T) {
		res := sweep.do(t, structured(t, "ping-struct-1", pingSource, pingType, json.RawMessage(`{"tenant":"demo"}`)))
		handled(t, res, "ping-struct-1")
		sweep.waitLog(t, map[string]any{"request_id": "ping-struct-1", "message": "event handled", "tick": "stale-sweep"})
	})
	t.Run("oss object created, binary mode", func(t *testing.T) {
		wb := w.newShipments(t, 1)
		key := "scans/demo/SHA-01/kn-binary 1.csv"
		obj := w.putScan(t, key, wb[0])
		res := ingest.do(t, request{method: "POST", path: "/", body: ossRecord(obj), header: binary("oss-bin-1", "acs.oss", "oss:ObjectCreated:PutObject",
			map[string]string{"Ce-Subject": "acs:oss:cn-hangzhou:1234567890123456:" + uploadBucket + "/" + key})})
		handled(t, res, "oss-bin-1")
		w.waitIngested(t, wb, []string{key})
	})
	t.Run("s3 object created, structured mode", func(t *testing.T) {
		wb := w.newShipments(t, 1)
		key := "scans/demo/SHA-01/kn-structured+1.csv"
		e := s3Event(w.putScan(t, key, wb[0]))
		res := ingest.do(t, structured(t, "s3-struct-1", "minio:"+uploadBucket, "io.minio.s3.ObjectCreated", mustJSON(t, e)))
		handled(t, res, "s3-struct-1")
		w.waitIngested(t, wb, []string{key})
	})
	malformed := []struct {
		name string
		p    *process
		r    request
	}{
		{"structured, not JSON", ingest, request{method: "POST", path: "/", body: `{"specversion":"1.0","id":`, contentType: "application/cloudevents+json"}},
		{"structured, no id", ingest, request{method: "POST", path: "/", body: `{"specversion":"1.0","source":"acs.oss","type":"oss:ObjectCreated:PutObject"}`, contentType: "application/cloudevents+json"}},
		{"binary, no source", sweep, request{method: "POST", path: "/", body: `{}`, header: map[string]string{"Ce-Specversion": "1.0", "Ce-Id": "bad-1", "Ce-Type": pingType}}},
		{"ping without a time", sweep, request{method: "POST", path: "/", body: `{}`, header: map[string]string{"Ce-Specversion": "1.0", "Ce-Id": "bad-2", "Ce-Source": pingSource, "Ce-Type": pingType}}},
		{"object event without records", ingest, request{method: "POST", path: "/", body: `{"hello":"world"}`, header: binary("bad-3", "minio:"+uploadBucket, "io.minio.s3.ObjectCreated", nil)}},
		{"object event to a function without an object handler", sweep, request{method: "POST", path: "/", body: ossRecord(blob.Object{Key: "scans/demo/SHA-01/x.csv", Size: 1, ETag: "00"}),
			header: binary("bad-4", "acs.oss", "oss:ObjectCreated:PutObject", nil)}},
	}
	for _, tt := range malformed {
		t.Run("rejects "+tt.name, func(t *testing.T) {
			res := tt.p.do(t, tt.r)
			if res.Status < 400 || res.Status > 499 {
				t.Errorf("status %d, want 4xx: %s", res.Status, res.Body)
			}
		})
	}
	t.Run("logs are JSON", func(t *testing.T) {
		ingest.checkJSONLogs(t)
		sweep.checkJSONLogs(t)
	})
}
