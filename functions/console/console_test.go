package console_test

import (
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/logifn/logifn/functions/console"
	"github.com/logifn/logifn/shared/app/apptest"
	"github.com/logifn/logifn/shared/store/storetest"
)

func harness(t *testing.T) (*apptest.Harness, *console.Site) {
	t.Helper()
	site, err := console.Load()
	if err != nil {
		t.Fatal(err)
	}
	return apptest.New(t, storetest.SQLite(t), console.Spec()), site
}

func TestServesThePage(t *testing.T) {
	h, site := harness(t)
	for _, path := range []string{"/", "/track/LF00000000019", "/track/not-a-number"} {
		res := h.Do(apptest.Request{Method: "GET", Path: path})
		if res.Status != http.StatusOK || string(res.Body) != string(site.Index()) {
			t.Fatalf("GET %s = %d, want 200 with index.html", path, res.Status)
		}
		for k, want := range map[string]string{"Content-Type": "text/html; charset=utf-8", "Cache-Control": "no-cache",
			"X-Content-Type-Options": "nosniff"} {
			if got := res.Header.Get(k); got != want {
				t.Errorf("GET %s: %s = %q, want %q", path, k, got, want)
			}
		}
		if csp := res.Header.Get("Content-Security-Policy"); !strings.Contains(csp, "script-src 'self'") {
			t.Errorf("GET %s: Content-Security-Policy %q", path, csp)
		}
	}
	index := string(site.Index())
	if strings.Contains(index, "{{version}}") || !strings.Contains(index, `src="/assets/`+site.Version()+`/app.js"`) {
		t.Errorf("index.html does not name the assets of version %s:\n%s", site.Version(), index)
	}
}

func TestAssetsAreVersionedAndCached(t *testing.T) {
	h, site := harness(t)
	types := map[string]string{".js": "text/javascript; charset=utf-8", ".css": "text/css; charset=utf-8", ".svg": "image/svg+xml"}
	if len(site.Assets()) < 5 {
		t.Fatalf("assets %v, want the app's modules, styles and icon", site.Assets())
	}
	for _, name := range site.Assets() {
		path := "/assets/" + site.Version() + "/" + name
		res := h.Do(apptest.Request{Method: "GET", Path: path})
		if res.Status != http.StatusOK || len(res.Body) == 0 {
			t.Fatalf("GET %s = %d", path, res.Status)
		}
		if got, want := res.Header.Get("Content-Type"), types[filepath.Ext(name)]; got != want {
			t.Errorf("GET %s: Content-Type %q, want %q", path, got, want)
		}
		if got := res.Header.Get("Cache-Control"); got != "public, max-age=31536000, immutable" {
			t.Errorf("GET %s: Cache-Control %q, want a year, immutable", path, got)
		}
		etag := res.Header.Get("ETag")
		again := h.Do(apptest.Request{Method: "GET", Path: path, Header: map[string]string{"If-None-Match": etag}})
		if etag == "" || again.Status != http.StatusNotModified || len(again.Body) != 0 {
			t.Errorf("GET %s with If-None-Match %s = %d with %d bytes, want 304", path, etag, again.Status, len(again.Body))
		}
	}
	// The page revalidates too.
	res := h.Do(apptest.Request{Method: "GET", Path: "/"})
	again := h.Do(apptest.Request{Method: "GET", Path: "/", Header: map[string]string{"If-None-Match": res.Header.Get("ETag")}})
	if again.Status != http.StatusNotModified {
		t.Errorf("GET / with its ETag = %d, want 304", again.Status)
	}
}

// TestOtherVersionsAreNotServed: an asset under another version, or a
// file that is not there, is 404: a cache must never keep this release's
// file under an old release's name.
func TestOtherVersionsAreNotServed(t *testing.T) {
	h, site := harness(t)
	for _, path := range []string{"/assets/0123456789ab/app.js", "/assets/" + site.Version() + "/nope.js",
		"/assets/" + site.Version() + "/index.html", "/assets/" + site.Version() + "/..%2Fconsole.go"} {
		res := h.Do(apptest.Request{Method: "GET", Path: path})
		if e := res.Err(t, http.StatusNotFound); e.Error.Code != "not_found" && e.Error.Code != "route_not_found" {
			t.Errorf("GET %s: code %s", path, e.Error.Code)
		}
	}
	if res := h.Do(apptest.Request{Method: "POST", Path: "/", Body: map[string]any{}}); res.Status != http.StatusMethodNotAllowed {
		t.Errorf("POST / = %d, want 405", res.Status)
	}
}

var (
	external = regexp.MustCompile(`(?i)(src|href)\s*=\s*["']?(https?:)?//|from\s+["'](https?:)?//|import\(\s*["'](https?:)?//|url\(\s*["']?(https?:)?//|@import`)
	imports  = regexp.MustCompile(`from '\./([a-z0-9-]+\.js)'`)
)

// TestNoExternalCode: the console loads nothing from another origin (no
// CDN), and every module it imports is one it ships.
func TestNoExternalCode(t *testing.T) {
	_, site := harness(t)
	shipped := map[string]bool{}
	for _, name := range site.Assets() {
		shipped[name] = true
	}
	files := append(site.Assets(), "index.html")
	for _, name := range files {
		b, err := os.ReadFile(filepath.Join("assets", name))
		if err != nil {
			t.Fatal(err)
		}
		if m := external.Find(b); m != nil {
			t.Errorf("%s loads from another origin: %s", name, m)
		}
		for _, m := range imports.FindAllSubmatch(b, -1) {
			if !shipped[string(m[1])] {
				t.Errorf("%s imports %s, which is not shipped", name, m[1])
			}
		}
	}
}
