// Package console is the console function: logifn's web console, a static
// web app served from files embedded in the binary. It holds the public
// tracking page and the operations console, and talks to logifn only
// through the public HTTP API, from the browser, with the caller's token.
//
// The app is plain ES modules and CSS, with no build step. Its files are
// served under /assets/{version}/, where version is a hash of all of them:
// a browser keeps them for a year, and a new release is a new path.
// index.html names the version and is revalidated on every load.
package console

import (
	"bytes"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"fmt"
	"io/fs"
	"net/http"
	"path"
	"sort"
	"strings"
	"time"

	"github.com/logifn/logifn/shared/app"
	"github.com/logifn/logifn/shared/domain"
	"github.com/logifn/logifn/shared/platform"
	"github.com/logifn/logifn/shared/web"
)

//go:embed assets
var embedded embed.FS

// Name is the console's name in the manifest.
const Name = "console"

// The console's routes: the page itself, the shareable tracking address of
// a waybill, and the app's files.
const (
	IndexPath = "/{$}"
	TrackPath = "/track/{waybill}"
	AssetPath = "/assets/{version}/{file}"
)

// Spec is the console's manifest entry. Its routes are public and static:
// what needs a token is asked of the API by the browser.
func Spec() app.Spec {
	return app.Spec{
		Name:    Name,
		Summary: "Serve the web console: public tracking and the operations console",
		Routes: []app.Route{
			{Method: http.MethodGet, Path: IndexPath, Static: true},
			{Method: http.MethodGet, Path: TrackPath, Static: true},
			{Method: http.MethodGet, Path: AssetPath, Static: true},
		},
		MemoryMB:       128,
		TimeoutSeconds: 5,
		New: func(d *app.Deps) (platform.Handlers, error) {
			site, err := Load()
			if err != nil {
				return platform.Handlers{}, err
			}
			return platform.Handlers{HTTP: site.Handler()}, nil
		},
	}
}

// versionPlaceholder is what index.html says where the asset version goes.
const versionPlaceholder = "{{version}}"

// file is one file ready to serve.
type file struct {
	body        []byte
	etag        string
	contentType string
}

// Site is the console's files, loaded once.
type Site struct {
	version string
	index   file
	assets  map[string]file // by name, index.html excluded
}

// contentTypes are the types of the files the console ships; a file of
// another extension is refused at load, so none is ever served sniffed.
var contentTypes = map[string]string{
	".html": "text/html; charset=utf-8",
	".js":   "text/javascript; charset=utf-8",
	".css":  "text/css; charset=utf-8",
	".svg":  "image/svg+xml",
	".png":  "image/png",
	".ico":  "image/x-icon",
}

// Load reads the embedded files and computes their version.
func Load() (*Site, error) {
	return load(embedded)
}

func load(root fs.FS) (*Site, error) {
	sub, err := fs.Sub(root, "assets")
	if err != nil {
		return nil, err
	}
	entries, err := fs.ReadDir(sub, ".")
	if err != nil {
		return nil, fmt.Errorf("console assets: %w", err)
	}
	s := &Site{assets: map[string]file{}}
	var indexBody []byte
	sum := sha256.New()
	sort.Slice(entries, func(i, j int) bool { return entries[i].Name() < entries[j].Name() })
	for _, e := range entries {
		if e.IsDir() {
			return nil, fmt.Errorf("console assets: %s is a directory; keep the assets flat", e.Name())
		}
		ct, ok := contentTypes[path.Ext(e.Name())]
		if !ok {
			return nil, fmt.Errorf("console assets: %s has no known content type", e.Name())
		}
		body, err := fs.ReadFile(sub, e.Name())
		if err != nil {
			return nil, err
		}
		fmt.Fprintf(sum, "%s\x00%d\x00", e.Name(), len(body))
		sum.Write(body)
		if e.Name() == "index.html" {
			indexBody = body
			continue
		}
		s.assets[e.Name()] = newFile(body, ct)
	}
	if indexBody == nil {
		return nil, fmt.Errorf("console assets: no index.html")
	}
	s.version = hex.EncodeToString(sum.Sum(nil))[:12]
	s.index = newFile(bytes.ReplaceAll(indexBody, []byte(versionPlaceholder), []byte(s.version)), contentTypes[".html"])
	return s, nil
}

func newFile(body []byte, contentType string) file {
	sum := sha256.Sum256(body)
	return file{body: body, etag: `"` + hex.EncodeToString(sum[:12]) + `"`, contentType: contentType}
}

// Version is the hash that names this release of the assets.
func (s *Site) Version() string { return s.version }

// Index returns index.html as served.
func (s *Site) Index() []byte { return s.index.body }

// Assets lists the names of the files under /assets/{version}/.
func (s *Site) Assets() []string {
	names := make([]string, 0, len(s.assets))
	for name := range s.assets {
		names = append(names, name)
	}
	sort.Strings(names)
	return names
}

// Handler serves the console's routes: index.html for the page and for
// /track/{waybill}, which the app reads from the address, and the assets
// of the current version. Another version's assets are 404, never this
// version's under the old name: a cache would keep them as the old ones.
func (s *Site) Handler() http.Handler {
	return web.HandlerFunc(func(w http.ResponseWriter, r *http.Request) error {
		name := r.PathValue("file")
		if name == "" {
			s.serve(w, r, "index.html", s.index, "no-cache")
			return nil
		}
		f, ok := s.assets[name]
		if !ok || r.PathValue("version") != s.version {
			return domain.Errorf(domain.KindNotFound, "not_found", "no console file %s of version %s",
				clip(name), clip(r.PathValue("version")))
		}
		s.serve(w, r, name, f, "public, max-age=31536000, immutable")
		return nil
	})
}

func (s *Site) serve(w http.ResponseWriter, r *http.Request, name string, f file, cache string) {
	h := w.Header()
	h.Set("Content-Type", f.contentType)
	h.Set("Cache-Control", cache)
	h.Set("ETag", f.etag)
	h.Set("X-Content-Type-Options", "nosniff")
	if name == "index.html" {
		h.Set("Content-Security-Policy", contentSecurityPolicy)
		h.Set("Referrer-Policy", "no-referrer")
		h.Set("X-Frame-Options", "DENY")
	}
	http.ServeContent(w, r, name, time.Time{}, bytes.NewReader(f.body))
}

// contentSecurityPolicy lets the page run its own scripts and styles only,
// and call the API on its own origin. Photos come from presigned URLs of
// the bucket, on whatever host it has.
const contentSecurityPolicy = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: https: http:; " +
	"connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'"

func clip(s string) string {
	if len(s) > 64 {
		return s[:64] + "…"
	}
	return strings.ToValidUTF8(s, "?")
}
