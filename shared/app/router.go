package app

import (
	"net/http"
	"slices"
	"strings"

	"github.com/logifn/logifn/shared/domain"
	"github.com/logifn/logifn/shared/web"
)

// Router mounts the routes of one or more functions on one ServeMux behind
// logifn's middleware, and answers unknown paths and methods with JSON.
type Router struct {
	d       *Deps
	mux     *http.ServeMux
	methods map[string][]string // path -> allowed methods
	name    string
}

// NewRouter returns an empty router; name labels its log lines.
func NewRouter(d *Deps, name string) *Router {
	rt := &Router{d: d, mux: http.NewServeMux(), methods: map[string][]string{}, name: name}
	rt.mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) {
		web.WriteJSON(w, http.StatusOK, map[string]string{"status": "ok"})
	})
	rt.mux.Handle("GET /readyz", web.HandlerFunc(func(w http.ResponseWriter, r *http.Request) error {
		if err := d.Store.Ping(r.Context()); err != nil {
			return err
		}
		web.WriteJSON(w, http.StatusOK, map[string]string{"status": "ready"})
		return nil
	}))
	rt.mux.Handle("/", web.HandlerFunc(func(w http.ResponseWriter, r *http.Request) error {
		return domain.Errorf(domain.KindNotFound, "route_not_found", "no route %s %s", r.Method, r.URL.Path)
	}))
	return rt
}

// Mount serves h on every route of spec: body limit, then authentication
// and role check (unless the route is public), then Idempotency-Key on
// mutating routes.
func (rt *Router) Mount(spec Spec, h http.Handler) {
	for _, route := range spec.Routes {
		var chain http.Handler = h
		switch {
		case route.Mutating() && route.AnswerInWrite:
			chain = web.IdempotentInWrite(rt.d.Store, chain)
		case route.Mutating():
			chain = web.Idempotent(rt.d.Store, chain)
		}
		if len(route.Roles) > 0 {
			chain = web.Authenticate(rt.d.Keys, route.Roles, chain)
		}
		chain = web.Route(route.Pattern(), web.LimitBody(rt.d.Config.MaxBodyBytes, chain))
		rt.mux.Handle(route.Pattern(), chain)
		if _, seen := rt.methods[route.Path]; !seen {
			rt.mux.Handle(route.Path, rt.methodNotAllowed(route.Path))
		}
		rt.methods[route.Path] = append(rt.methods[route.Path], route.Method)
	}
}

// Handle serves h on pattern as it is: no authentication, body limit or
// idempotency. It is for the platform's own routes, such as the API
// document on the local platform.
func (rt *Router) Handle(pattern string, h http.Handler) {
	rt.mux.Handle(pattern, web.Route(pattern, h))
}

func (rt *Router) methodNotAllowed(path string) http.Handler {
	return web.HandlerFunc(func(w http.ResponseWriter, r *http.Request) error {
		allowed := slices.Clone(rt.methods[path])
		if slices.Contains(allowed, http.MethodGet) {
			allowed = append(allowed, http.MethodHead)
		}
		w.Header().Set("Allow", strings.Join(allowed, ", "))
		return &domain.Error{Kind: domain.KindMethodNotAllowed, Code: "method_not_allowed",
			Message: "method " + r.Method + " is not allowed here; use " + strings.Join(allowed, ", ")}
	})
}

// Handler returns the whole HTTP handler: request ids, logging, panic
// recovery and the request deadline around the routes.
func (rt *Router) Handler() http.Handler {
	return web.Observe(rt.d.Log, rt.name, web.Timeout(rt.d.Config.RequestTimeout, rt.mux))
}
