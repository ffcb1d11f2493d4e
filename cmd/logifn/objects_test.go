package main

import (
	"bytes"
	"context"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/logifn/logifn/shared/app"
	"github.com/logifn/logifn/shared/blob/local"
	"github.com/logifn/logifn/shared/domain"
	"github.com/logifn/logifn/shared/platform"
	"github.com/sirupsen/logrus"
)

// recorder is an object handler that records the keys it is handed and
// answers with the errors it is given, one per call, then nil.
type recorder struct {
	mu   sync.Mutex
	keys []string
	errs []error
}

func (r *recorder) handle(ctx context.Context, obj platform.ObjectCreated) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.keys = append(r.keys, obj.Key)
	if len(r.errs) == 0 {
		return nil
	}
	err := r.errs[0]
	r.errs = r.errs[1:]
	if err == errPanic {
		panic("handler bug")
	}
	return err
}

func (r *recorder) calls() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return slices.Clone(r.keys)
}

var errPanic = domain.Errorf(domain.KindInternal, "test_panic", "panic please")

func quietLog() *logrus.Logger {
	l := logrus.New()
	l.SetOutput(io.Discard)
	return l
}

func newTestEvents() *objectEvents {
	e := newObjectEvents(quietLog())
	e.backoff = time.Millisecond
	return e
}

func TestObjectEventsMatch(t *testing.T) {
	e := newTestEvents()
	images, scans, both := &recorder{}, &recorder{}, &recorder{}
	e.add(app.Spec{Name: "images", Objects: []app.ObjectTrigger{{Prefix: "uploads/", Suffix: ".jpg"}}}, images.handle)
	e.add(app.Spec{Name: "scans", Objects: []app.ObjectTrigger{{Prefix: "scans/"}}}, scans.handle)
	e.add(app.Spec{Name: "both", Objects: []app.ObjectTrigger{{Suffix: ".jpg"}, {Prefix: "scans/"}}}, both.handle)
	e.add(app.Spec{Name: "no triggers"}, (&recorder{}).handle)
	e.add(app.Spec{Name: "no handler", Objects: []app.ObjectTrigger{{}}}, nil)
	if len(e.targets) != 3 {
		t.Errorf("%d targets, want 3: a function needs a trigger and a handler", len(e.targets))
	}
	for _, key := range []string{"uploads/a.jpg", "uploads/a.png", "other/b.jpg", "scans/c.csv", "uploads/.jp"} {
		e.created(context.Background(), platform.ObjectCreated{Key: key, EventID: "ev-" + key})
	}
	e.wg.Wait()
	check := func(name string, r *recorder, want ...string) {
		t.Helper()
		got := r.calls()
		slices.Sort(got)
		if !slices.Equal(got, want) {
			t.Errorf("%s fired for %q, want %q", name, got, want)
		}
	}
	check("images", images, "uploads/a.jpg")
	check("scans", scans, "scans/c.csv")
	check("both", both, "other/b.jpg", "scans/c.csv", "uploads/a.jpg")
}

func TestObjectEventsRetry(t *testing.T) {
	unavailable := domain.Errorf(domain.KindUnavailable, "db_down", "the database is down")
	invalid := domain.Errorf(domain.KindInvalid, "bad_image", "not an image")
	tests := []struct {
		name  string
		errs  []error
		calls int
	}{
		{"success", nil, 1},
		{"unavailable, then success", []error{unavailable, unavailable}, 3},
		{"invalid is dropped", []error{invalid, nil}, 1},
		{"a panic is retried", []error{errPanic}, 2},
		{"attempts run out", []error{unavailable, unavailable, unavailable, unavailable, unavailable}, 4},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newTestEvents()
			r := &recorder{errs: slices.Clone(tt.errs)}
			e.add(app.Spec{Name: "f", Objects: []app.ObjectTrigger{{}}}, r.handle)
			e.created(context.Background(), platform.ObjectCreated{Key: "k", EventID: "ev"})
			e.wg.Wait()
			if got := len(r.calls()); got != tt.calls {
				t.Errorf("%d calls, want %d", got, tt.calls)
			}
		})
	}
}

func TestObjectEventsAreAsynchronous(t *testing.T) {
	e := newTestEvents()
	release := make(chan struct{})
	var ctxErr error
	e.add(app.Spec{Name: "slow", Objects: []app.ObjectTrigger{{}}}, func(ctx context.Context, obj platform.ObjectCreated) error {
		<-release
		ctxErr = ctx.Err()
		return nil
	})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		e.created(ctx, platform.ObjectCreated{Key: "k"})
		close(done)
	}()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("created waited for the handler")
	}
	cancel() // the upload's request ends
	close(release)
	e.wg.Wait()
	if ctxErr != nil {
		t.Errorf("the handler's context ended with the upload: %v", ctxErr)
	}
}

func TestObjectEventsCloseEndsRetries(t *testing.T) {
	e := newTestEvents()
	e.backoff = time.Hour
	r := &recorder{errs: []error{domain.Errorf(domain.KindUnavailable, "down", "down")}}
	e.add(app.Spec{Name: "f", Objects: []app.ObjectTrigger{{}}}, r.handle)
	e.created(context.Background(), platform.ObjectCreated{Key: "k"})
	for len(r.calls()) == 0 {
		time.Sleep(time.Millisecond)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	e.close(ctx)
	if ctx.Err() != nil {
		t.Error("close waited for the retry pause")
	}
}

// TestLocalUploadsFireFunctions mounts the local platform as serve does,
// with one extra function on an object trigger, and uploads through a
// presigned URL.
func TestLocalUploadsFireFunctions(t *testing.T) {
	srv := httptest.NewUnstartedServer(nil)
	base := "http://" + srv.Listener.Addr().String()
	data := t.TempDir()
	d, err := localDeps(func(k string) string {
		return map[string]string{"LOGIFN_DATA_DIR": data, "LOGIFN_BLOB_PUBLIC_URL": base, "LOGIFN_LOG_LEVEL": "error"}[k]
	})
	if err != nil {
		t.Fatal(err)
	}
	defer d.Store.Close()
	if _, err := d.Store.Migrate(context.Background()); err != nil {
		t.Fatal(err)
	}
	events := newTestEvents()
	got := make(chan platform.ObjectCreated, 1)
	events.add(app.Spec{Name: "images", Objects: []app.ObjectTrigger{{Prefix: "uploads/"}}}, func(ctx context.Context, obj platform.ObjectCreated) error {
		got <- obj
		return nil
	})
	h, _, err := mountAll(d, events, newTicks(d.Log, d.Now), demoTokens{})
	if err != nil {
		t.Fatal(err)
	}
	srv.Config.Handler = h
	srv.Start()
	defer srv.Close()

	p, err := d.Blob.PresignPut(context.Background(), "uploads/demo/photo.jpg", "image/jpeg", time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	req, _ := http.NewRequest(p.Method, p.URL, bytes.NewReader([]byte("jpeg")))
	req.Header = p.Header.Clone()
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("upload: status %d, want 200", resp.StatusCode)
	}
	select {
	case obj := <-got:
		if obj.Bucket != d.Blob.Bucket() || obj.Key != "uploads/demo/photo.jpg" || obj.Size != 4 || obj.ContentType != "image/jpeg" {
			t.Errorf("event %+v", obj)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("no object event")
	}
	b, err := os.ReadFile(filepath.Join(data, "objects", d.Blob.Bucket(), "uploads", "demo", "photo.jpg"))
	if err != nil || string(b) != "jpeg" {
		t.Errorf("stored file: %q, %v", b, err)
	}
	if st := d.Blob.(*local.Store); st.Dir() != filepath.Join(data, "objects", d.Blob.Bucket()) {
		t.Errorf("object directory %s, want under the data directory", st.Dir())
	}
}

func TestUploadBase(t *testing.T) {
	tests := map[string]string{
		"127.0.0.1:8080": "http://127.0.0.1:8080",
		"0.0.0.0:8080":   "http://127.0.0.1:8080",
		"[::]:9000":      "http://127.0.0.1:9000",
		"[::1]:9000":     "http://[::1]:9000",
		"10.0.0.5:80":    "http://10.0.0.5:80",
	}
	for addr, want := range tests {
		a, err := net.ResolveTCPAddr("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		if got := uploadBase(a); got != want {
			t.Errorf("uploadBase(%s) = %s, want %s", addr, got, want)
		}
	}
}
