// Package stationlist is the station-list function: everyone in a tenant
// lists its stations.
package stationlist

import (
	"context"
	"net/http"

	"github.com/logifn/logifn/shared/app"
	"github.com/logifn/logifn/shared/domain"
	"github.com/logifn/logifn/shared/platform"
	"github.com/logifn/logifn/shared/reqctx"
	"github.com/logifn/logifn/shared/web"
)

// Spec is station-list's manifest entry.
func Spec() app.Spec {
	return app.Spec{
		Name:    "station-list",
		Summary: "List the tenant's stations",
		Routes: []app.Route{
			{Method: http.MethodGet, Path: "/v1/stations", Roles: domain.Roles},
		},
		MemoryMB:       128,
		TimeoutSeconds: 5,
		New: func(d *app.Deps) (platform.Handlers, error) {
			return platform.Handlers{HTTP: Handler(d.Store)}, nil
		},
	}
}

// Store is what station-list needs of the database.
type Store interface {
	ListStations(ctx context.Context, tenant string) ([]domain.Station, error)
}

// Handler serves GET /v1/stations, ordered by code.
func Handler(st Store) http.Handler {
	return web.HandlerFunc(func(w http.ResponseWriter, r *http.Request) error {
		p, _ := reqctx.Principal(r.Context())
		if err := web.NewQuery(r.URL.Query()).Err(); err != nil {
			return err
		}
		list, err := st.ListStations(r.Context(), p.Tenant)
		if err != nil {
			return err
		}
		web.WriteJSON(w, http.StatusOK, map[string]any{"stations": list})
		return nil
	})
}
