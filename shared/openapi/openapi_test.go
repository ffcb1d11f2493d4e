package openapi_test

import (
	"net/http"
	"net/http/httptest"
	"os/exec"
	"slices"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/logifn/logifn/functions/registry"
	"github.com/logifn/logifn/shared/app"
	"github.com/logifn/logifn/shared/openapi"
	"github.com/logifn/logifn/shared/openapi/openapitest"
)

// platformPaths are the documented routes no function of the manifest
// serves: the router's health checks and the local platform's document.
var platformPaths = []string{"/healthz", "/readyz", openapi.Path}

// documented returns the document and its operations by "METHOD path".
func documented(t *testing.T) (*openapi3.T, map[string]*openapi3.Operation) {
	t.Helper()
	doc, err := openapitest.Load()
	if err != nil {
		t.Fatal(err)
	}
	ops := map[string]*openapi3.Operation{}
	for path, item := range doc.Paths.Map() {
		for method, op := range item.Operations() {
			ops[method+" "+path] = op
		}
	}
	return doc, ops
}

// manifest returns every API route of the manifest by its pattern, with
// the function that serves it. Static routes, which serve the web console's
// files, are not part of the API.
func manifest() map[string]struct {
	function string
	route    app.Route
} {
	routes := map[string]struct {
		function string
		route    app.Route
	}{}
	for _, spec := range registry.All() {
		for _, r := range spec.Routes {
			if r.Static {
				continue
			}
			routes[r.Pattern()] = struct {
				function string
				route    app.Route
			}{spec.Name, r}
		}
	}
	return routes
}

func TestDocumentLoadsAndValidates(t *testing.T) {
	loader := openapi3.NewLoader()
	doc, err := loader.LoadFromData(openapi.Document())
	if err != nil {
		t.Fatalf("load: %v", err)
	}
	if err := doc.Validate(loader.Context); err != nil {
		t.Fatalf("validate: %v", err)
	}
	if doc.OpenAPI != "3.0.3" {
		t.Errorf("openapi = %q, want 3.0.3", doc.OpenAPI)
	}
	if len(doc.Servers) == 0 || doc.Servers[0].URL != "http://127.0.0.1:8080" {
		t.Errorf("servers = %v, want the local platform http://127.0.0.1:8080 first", doc.Servers)
	}
	scheme := doc.Components.SecuritySchemes["bearerAuth"]
	if scheme == nil || scheme.Value.Type != "http" || scheme.Value.Scheme != "bearer" || scheme.Value.BearerFormat != "JWT" {
		t.Fatalf("bearerAuth = %+v, want an HTTP bearer JWT scheme", scheme)
	}
	for _, claim := range []string{"`tid`", "`sub`", "`role`", "`stn`"} {
		if !strings.Contains(scheme.Value.Description, claim) {
			t.Errorf("bearerAuth does not explain the claim %s", claim)
		}
	}
}

// TestEveryManifestRouteIsDocumented fails when a function serves a route
// the document lacks, or the document names it for another function or
// other roles.
func TestEveryManifestRouteIsDocumented(t *testing.T) {
	_, ops := documented(t)
	for pattern, m := range manifest() {
		op, ok := ops[pattern]
		if !ok {
			t.Errorf("%s (function %s) is not in %s", pattern, m.function, openapitest.DocumentName)
			continue
		}
		if got := op.Extensions["x-logifn-function"]; got != m.function {
			t.Errorf("%s: x-logifn-function = %v, want %s", pattern, got, m.function)
		}
		var want []string
		for _, r := range m.route.Roles {
			want = append(want, string(r))
		}
		if got := stringList(op.Extensions["x-logifn-roles"]); !slices.Equal(sorted(got), sorted(want)) {
			t.Errorf("%s: x-logifn-roles = %v, want %v", pattern, got, want)
		}
	}
}

// TestStaticRoutesStayOutOfTheDocument: a static route serves files to
// anyone with a GET; it is neither documented nor able to shadow a path
// the document names.
func TestStaticRoutesStayOutOfTheDocument(t *testing.T) {
	_, ops := documented(t)
	static := 0
	for _, spec := range registry.All() {
		for _, r := range spec.Routes {
			if !r.Static {
				continue
			}
			static++
			if r.Method != http.MethodGet || len(r.Roles) > 0 {
				t.Errorf("static route %s of %s: want a public GET", r.Pattern(), spec.Name)
			}
			if _, ok := ops[r.Pattern()]; ok {
				t.Errorf("static route %s of %s is in %s", r.Pattern(), spec.Name, openapitest.DocumentName)
			}
			mux := http.NewServeMux()
			mux.Handle(r.Pattern(), http.NotFoundHandler())
			for pattern := range ops {
				method, path, _ := strings.Cut(pattern, " ")
				req := httptest.NewRequest(method, strings.NewReplacer("{", "x", "}", "").Replace(path), nil)
				if _, got := mux.Handler(req); got != "" {
					t.Errorf("static route %s of %s would serve the documented %s", r.Pattern(), spec.Name, pattern)
				}
			}
		}
	}
	if static == 0 {
		t.Error("no function serves static routes; the web console is missing from the manifest")
	}
}

// TestEveryDocumentedRouteIsServed fails when the document names a route
// no function serves.
func TestEveryDocumentedRouteIsServed(t *testing.T) {
	_, ops := documented(t)
	routes := manifest()
	for pattern := range ops {
		_, path, _ := strings.Cut(pattern, " ")
		if slices.Contains(platformPaths, path) {
			continue
		}
		if _, ok := routes[pattern]; !ok {
			t.Errorf("%s is documented but no function of the manifest serves it", pattern)
		}
	}
	for _, path := range platformPaths {
		if _, ok := ops["GET "+path]; !ok {
			t.Errorf("GET %s is not documented", path)
		}
	}
}

// TestAuthIsDocumented: a route with roles needs bearerAuth and documents
// 401 and 403; a public route says so with an empty security list.
func TestAuthIsDocumented(t *testing.T) {
	doc, ops := documented(t)
	if !requiresBearer(doc.Security) {
		t.Errorf("the document's default security is %v, want bearerAuth", doc.Security)
	}
	for pattern, m := range manifest() {
		op := ops[pattern]
		if op == nil {
			continue // TestEveryManifestRouteIsDocumented reports it
		}
		security := doc.Security
		if op.Security != nil {
			security = *op.Security
		}
		if len(m.route.Roles) == 0 {
			if op.Security == nil || len(*op.Security) != 0 {
				t.Errorf("%s is public but does not declare security: []", pattern)
			}
			continue
		}
		if !requiresBearer(security) {
			t.Errorf("%s needs a token but its security is %v, not bearerAuth", pattern, security)
		}
		for _, status := range []int{http.StatusUnauthorized, http.StatusForbidden} {
			if op.Responses.Status(status) == nil {
				t.Errorf("%s needs a token but does not document %d", pattern, status)
			}
		}
	}
	for _, path := range platformPaths {
		if op := ops["GET "+path]; op != nil && (op.Security == nil || len(*op.Security) != 0) {
			t.Errorf("GET %s is public but does not declare security: []", path)
		}
	}
}

// TestMutatingRoutesDocumentIdempotencyKey: every route the router wraps
// in the Idempotency-Key middleware says so.
func TestMutatingRoutesDocumentIdempotencyKey(t *testing.T) {
	_, ops := documented(t)
	for pattern, m := range manifest() {
		op := ops[pattern]
		if op == nil || !m.route.Mutating() {
			continue
		}
		if p := op.Parameters.GetByInAndName(openapi3.ParameterInHeader, "Idempotency-Key"); p == nil {
			t.Errorf("%s changes state but does not document the Idempotency-Key header", pattern)
		}
		if op.RequestBody != nil {
			for _, status := range []int{http.StatusRequestEntityTooLarge, http.StatusUnsupportedMediaType} {
				if op.Responses.Status(status) == nil {
					t.Errorf("%s takes a body but does not document %d", pattern, status)
				}
			}
		}
	}
}

// TestErrorsShareOneShape: every 4xx and 5xx answer is the Error schema
// with X-Request-Id, and 429 and 503 carry Retry-After.
func TestErrorsShareOneShape(t *testing.T) {
	doc, ops := documented(t)
	errSchema := doc.Components.Schemas["Error"].Value
	for pattern, op := range ops {
		for code, ref := range op.Responses.Map() {
			res := ref.Value
			if res.Headers["X-Request-Id"] == nil {
				t.Errorf("%s %s: no X-Request-Id header", pattern, code)
			}
			if code < "400" {
				continue
			}
			mt := res.Content.Get("application/json")
			if mt == nil || mt.Schema == nil || mt.Schema.Value != errSchema {
				t.Errorf("%s %s: the body is not #/components/schemas/Error", pattern, code)
			}
			if (code == "429" || code == "503") && (res.Headers["Retry-After"] == nil || !res.Headers["Retry-After"].Value.Required) {
				t.Errorf("%s %s: no required Retry-After header", pattern, code)
			}
		}
	}
}

// TestRequestBodiesAreClosed: the server rejects unknown fields in every
// JSON body (web.DecodeJSON), so every body schema, nested objects too,
// says additionalProperties: false.
func TestRequestBodiesAreClosed(t *testing.T) {
	_, ops := documented(t)
	for pattern, op := range ops {
		if op.RequestBody == nil {
			continue
		}
		mt := op.RequestBody.Value.Content.Get("application/json")
		if mt == nil {
			t.Errorf("%s: the request body is not application/json", pattern)
			continue
		}
		checkClosed(t, pattern, "(body)", mt.Schema.Value, map[*openapi3.Schema]bool{})
	}
}

func checkClosed(t *testing.T, pattern, path string, s *openapi3.Schema, seen map[*openapi3.Schema]bool) {
	t.Helper()
	if seen[s] {
		return
	}
	seen[s] = true
	for _, sub := range s.AllOf {
		checkClosed(t, pattern, path, sub.Value, seen)
	}
	if s.Type.Is(openapi3.TypeArray) && s.Items != nil {
		checkClosed(t, pattern, path+"[]", s.Items.Value, seen)
	}
	if !s.Type.Is(openapi3.TypeObject) {
		return
	}
	if s.AdditionalProperties.Has == nil || *s.AdditionalProperties.Has {
		t.Errorf("%s: %s accepts unknown fields; the server rejects them (additionalProperties: false)", pattern, path)
	}
	for name, p := range s.Properties {
		checkClosed(t, pattern, path+"."+name, p.Value, seen)
	}
}

func TestHandlerServesTheDocument(t *testing.T) {
	h := openapi.Handler()
	w := httptest.NewRecorder()
	h.ServeHTTP(w, httptest.NewRequest(http.MethodGet, openapi.Path, nil))
	if w.Code != http.StatusOK || w.Body.String() != string(openapi.Document()) {
		t.Fatalf("GET %s = %d with %d bytes, want 200 with the document", openapi.Path, w.Code, w.Body.Len())
	}
	if ct := w.Header().Get("Content-Type"); ct != "application/yaml" {
		t.Errorf("Content-Type = %q, want application/yaml", ct)
	}
	etag := w.Header().Get("ETag")
	if etag == "" || !strings.Contains(w.Header().Get("Cache-Control"), "max-age=") {
		t.Fatalf("ETag %q, Cache-Control %q: want both", etag, w.Header().Get("Cache-Control"))
	}

	r := httptest.NewRequest(http.MethodGet, openapi.Path, nil)
	r.Header.Set("If-None-Match", etag)
	w = httptest.NewRecorder()
	h.ServeHTTP(w, r)
	if w.Code != http.StatusNotModified || w.Body.Len() != 0 {
		t.Errorf("GET with If-None-Match %s = %d with %d bytes, want 304 and no body", etag, w.Code, w.Body.Len())
	}
}

// TestBinariesDoNotLinkOpenAPILibraries: only tests check the contract;
// function binaries and the CLI embed the document and nothing more.
func TestBinariesDoNotLinkOpenAPILibraries(t *testing.T) {
	if testing.Short() {
		t.Skip("runs go list")
	}
	out, err := exec.Command("go", "list", "-e", "-deps", "github.com/logifn/logifn/functions/...", "github.com/logifn/logifn/cmd/logifn").CombinedOutput()
	if err != nil {
		t.Fatalf("go list: %v\n%s", err, out)
	}
	for _, pkg := range strings.Fields(string(out)) {
		if strings.HasPrefix(pkg, "github.com/getkin/") || strings.HasSuffix(pkg, "/openapitest") {
			t.Errorf("a binary links %s; keep OpenAPI validation in test code", pkg)
		}
	}
}

func requiresBearer(reqs openapi3.SecurityRequirements) bool {
	for _, req := range reqs {
		if _, ok := req["bearerAuth"]; ok {
			return true
		}
	}
	return false
}

func stringList(v any) []string {
	list, _ := v.([]any)
	out := make([]string, 0, len(list))
	for _, x := range list {
		s, _ := x.(string)
		out = append(out, s)
	}
	return out
}

func sorted(s []string) []string {
	s = slices.Clone(s)
	slices.Sort(s)
	if s == nil {
		s = []string{}
	}
	return s
}
