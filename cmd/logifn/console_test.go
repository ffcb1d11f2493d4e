package main

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/logifn/logifn/functions/console"
	"github.com/logifn/logifn/shared/demo"
)

// localPlatform serves the whole local router on a test server.
func localPlatform(t *testing.T) (base string, tokens demoTokens, blobPresign func(key string) string) {
	t.Helper()
	srv := httptest.NewUnstartedServer(nil)
	base = "http://" + srv.Listener.Addr().String()
	data := t.TempDir()
	d, err := localDeps(func(k string) string {
		return map[string]string{"LOGIFN_DATA_DIR": data, "LOGIFN_BLOB_PUBLIC_URL": base, "LOGIFN_LOG_LEVEL": "error"}[k]
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { d.Store.Close() })
	if _, err := d.Store.Migrate(context.Background()); err != nil {
		t.Fatal(err)
	}
	if tokens, err = mintDemoTokens(d.Keys); err != nil {
		t.Fatal(err)
	}
	h, _, err := mountAll(d, newTestEvents(), newTicks(d.Log, d.Now), tokens)
	if err != nil {
		t.Fatal(err)
	}
	srv.Config.Handler = h
	srv.Start()
	t.Cleanup(srv.Close)
	ctx := context.Background()
	return base, tokens, func(key string) string {
		if _, err := d.Blob.Put(ctx, key, strings.NewReader("jpeg "+key), int64(len("jpeg "+key)), "image/jpeg"); err != nil {
			t.Fatal(err)
		}
		p, err := d.Blob.PresignGet(ctx, key, time.Minute)
		if err != nil {
			t.Fatal(err)
		}
		return p.URL
	}
}

func get(t *testing.T, url string) (*http.Response, string) {
	t.Helper()
	res, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res, string(b)
}

// TestConsoleMountedAtRoot: logifn serve answers the console at / and
// /track/{waybill}, and every other route as before: the API, health, the
// document and the local routes are not shadowed.
func TestConsoleMountedAtRoot(t *testing.T) {
	base, _, _ := localPlatform(t)
	site, err := console.Load()
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		path, status, contentType, contains string
	}{
		{"/", "200", "text/html", "/assets/" + site.Version() + "/app.js"},
		{"/track/LF00000000019", "200", "text/html", "/assets/" + site.Version() + "/app.js"},
		{"/assets/" + site.Version() + "/app.js", "200", "text/javascript", "import"},
		{"/healthz", "200", "application/json", `"ok"`},
		{"/openapi.yaml", "200", "application/yaml", "openapi: 3.0.3"},
		{"/v1/shipments", "401", "application/json", "missing_token"},
		{"/v1/no-such-route", "404", "application/json", "route_not_found"},
		{"/no-such-page", "404", "application/json", "route_not_found"},
		{"/_local/demo-tokens", "200", "application/json", `"tenant":"demo"`},
	}
	for _, tt := range tests {
		res, body := get(t, base+tt.path)
		if got := res.Status[:3]; got != tt.status || !strings.HasPrefix(res.Header.Get("Content-Type"), tt.contentType) ||
			!strings.Contains(body, tt.contains) {
			t.Errorf("GET %s = %s %s, want %s %s containing %q\n%.300s", tt.path, got, res.Header.Get("Content-Type"),
				tt.status, tt.contentType, tt.contains, body)
		}
	}
}

// TestDemoTokensEndpoint: GET /_local/demo-tokens hands out a working
// token for every demo user, as the banner prints them, and is not cached.
func TestDemoTokensEndpoint(t *testing.T) {
	base, minted, _ := localPlatform(t)
	res, body := get(t, base+"/_local/demo-tokens")
	if res.StatusCode != http.StatusOK || res.Header.Get("Cache-Control") != "no-store" {
		t.Fatalf("GET /_local/demo-tokens = %d, Cache-Control %q", res.StatusCode, res.Header.Get("Cache-Control"))
	}
	var got demoTokens
	if err := json.Unmarshal([]byte(body), &got); err != nil {
		t.Fatal(err)
	}
	if got.Tenant != demo.Tenant || len(got.Users) != len(demo.Users()) || !slices.Equal(got.Users, minted.Users) {
		t.Fatalf("demo tokens = %+v, want the minted %+v", got, minted)
	}
	for _, u := range got.Users {
		req, _ := http.NewRequest("GET", base+"/v1/stations", nil)
		req.Header.Set("Authorization", "Bearer "+u.Token)
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if res.StatusCode != http.StatusOK {
			t.Errorf("GET /v1/stations as %s with the handed-out token: %d, want 200", u.Role, res.StatusCode)
		}
	}
}

// TestDemoTokensOnlyForThisMachine: a caller from another address gets a
// 404, whatever its forwarding headers claim.
func TestDemoTokensOnlyForThisMachine(t *testing.T) {
	tokens := demoTokens{Tenant: demo.Tenant, Users: []demoToken{{Role: "admin", Subject: "admin-1", Token: "secret-token"}}}
	for _, tt := range []struct {
		remote string
		want   int
	}{
		{"127.0.0.1:40000", http.StatusOK},
		{"[::1]:40000", http.StatusOK},
		{"192.168.1.20:40000", http.StatusNotFound},
		{"[2001:db8::1]:40000", http.StatusNotFound},
		{"not-an-address", http.StatusNotFound},
	} {
		r := httptest.NewRequest("GET", "/_local/demo-tokens", nil)
		r.RemoteAddr = tt.remote
		r.Header.Set("X-Forwarded-For", "127.0.0.1")
		w := httptest.NewRecorder()
		tokens.handler().ServeHTTP(w, r)
		if w.Code != tt.want {
			t.Errorf("from %s: %d, want %d", tt.remote, w.Code, tt.want)
		}
		if leaked := strings.Contains(w.Body.String(), "secret-token"); leaked != (tt.want == http.StatusOK) {
			t.Errorf("from %s: token in the answer = %v\n%s", tt.remote, leaked, w.Body)
		}
	}
}

// TestLocalDownloads: the local platform serves presigned GETs of its
// object store, as it serves presigned PUTs.
func TestLocalDownloads(t *testing.T) {
	base, _, presign := localPlatform(t)
	url := presign("thumbs/demo/LF00000000019/label/abc.jpg")
	if !strings.HasPrefix(url, base+"/_objects/") {
		t.Fatalf("presigned URL %s, want it on the local platform", url)
	}
	res, body := get(t, url)
	if res.StatusCode != http.StatusOK || body != "jpeg thumbs/demo/LF00000000019/label/abc.jpg" || res.Header.Get("Content-Type") != "image/jpeg" {
		t.Errorf("GET of the presigned URL = %d %q %s", res.StatusCode, body, res.Header.Get("Content-Type"))
	}
	if res, _ := get(t, strings.Replace(url, "abc.jpg", "abd.jpg", 1)); res.StatusCode != http.StatusForbidden {
		t.Errorf("GET of an edited URL = %d, want 403", res.StatusCode)
	}
}
