package platform

import (
	"bufio"
	"context"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/logifn/logifn/shared/logging"
	"github.com/logifn/logifn/shared/reqctx"
	"github.com/sirupsen/logrus"
	"github.com/sirupsen/logrus/hooks/test"
)

// fixture returns the contents of testdata/name.
func fixture(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// recorder is a function's object and tick handlers that remember what
// they were given and fail as told.
type recorder struct {
	mu         sync.Mutex
	objects    []ObjectCreated
	ticks      []Tick
	requestIDs []string
	// fail, when set, decides the error for an object key or tick name.
	fail func(name string) error
}

func (r *recorder) object(ctx context.Context, obj ObjectCreated) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.objects = append(r.objects, obj)
	r.requestIDs = append(r.requestIDs, reqctx.RequestID(ctx))
	return r.failFor(obj.Key)
}

func (r *recorder) tick(ctx context.Context, t Tick) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.ticks = append(r.ticks, t)
	r.requestIDs = append(r.requestIDs, reqctx.RequestID(ctx))
	return r.failFor(t.Name)
}

func (r *recorder) failFor(name string) error {
	if r.fail == nil {
		return nil
	}
	return r.fail(name)
}

// handlers returns the recorder's handlers with http as the HTTP handler.
func (r *recorder) handlers(http Handlers) Handlers {
	http.Object, http.Tick = r.object, r.tick
	return http
}

// testDispatcher returns a dispatcher for h whose log lines the returned
// hook keeps.
func testDispatcher(kind Kind, h Handlers) (*dispatcher, *test.Hook) {
	log, hook := test.NewNullLogger()
	log.SetOutput(io.Discard)
	log.SetLevel(logrus.DebugLevel)
	return &dispatcher{log: log, name: "waybill-image", kind: kind, h: h}, hook
}

// eventLines returns the log entries that end the handling of an event.
func eventLines(hook *test.Hook) []*logrus.Entry {
	var lines []*logrus.Entry
	for _, e := range hook.AllEntries() {
		if _, ok := e.Data[logging.FieldDurationMS]; ok {
			lines = append(lines, e)
		}
	}
	return lines
}

// checkEventLine checks that a log line names the event as it should.
func checkEventLine(t *testing.T, e *logrus.Entry, kind Kind, requestID, field, value string) {
	t.Helper()
	want := map[string]string{
		logging.FieldFunction:  "waybill-image",
		logging.FieldPlatform:  string(kind),
		logging.FieldRequestID: requestID,
		field:                  value,
	}
	for k, v := range want {
		if got, _ := e.Data[k].(string); got != v {
			t.Errorf("log line %q: %s = %q, want %q", e.Message, k, got, v)
		}
	}
}

// httpFixture reads testdata/name, an HTTP request as it appears on the
// wire, into a server-side request; the body follows the first blank line.
func httpFixture(t *testing.T, name string) *http.Request {
	t.Helper()
	head, body, ok := strings.Cut(string(fixture(t, name)), "\n\n")
	if !ok {
		t.Fatalf("%s: no blank line after the header", name)
	}
	req, err := http.ReadRequest(bufio.NewReader(strings.NewReader(head + "\n\n")))
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	req.Body = io.NopCloser(strings.NewReader(body))
	req.ContentLength = int64(len(body))
	return req
}
