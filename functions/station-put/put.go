// Package stationput is the station-put function: admins create or update a
// station by its code. Sending the same station twice changes nothing.
package stationput

import (
	"context"
	"net/http"
	"strings"

	"github.com/logifn/logifn/shared/app"
	"github.com/logifn/logifn/shared/domain"
	"github.com/logifn/logifn/shared/platform"
	"github.com/logifn/logifn/shared/reqctx"
	"github.com/logifn/logifn/shared/web"
)

// Spec is station-put's manifest entry.
func Spec() app.Spec {
	return app.Spec{
		Name:    "station-put",
		Summary: "Create or update a station by its code",
		Routes: []app.Route{
			{Method: http.MethodPut, Path: "/v1/stations/{code}", Roles: []domain.Role{domain.RoleAdmin}},
		},
		MemoryMB:       128,
		TimeoutSeconds: 10,
		New: func(d *app.Deps) (platform.Handlers, error) {
			return platform.Handlers{HTTP: Handler(d.Store)}, nil
		},
	}
}

// Store is what station-put needs of the database. Station fails with not
// found outside the tenant; PutStation with unprocessable for an invalid
// station.
type Store interface {
	Station(ctx context.Context, tenant, code string) (*domain.Station, error)
	PutStation(ctx context.Context, st *domain.Station) (created bool, err error)
}

// Input is the body of a PUT: the station without its code, which is in
// the path.
type Input struct {
	Name     string             `json:"name"`
	Kind     domain.StationKind `json:"kind"`
	Region   string             `json:"region"`
	Address  domain.Address     `json:"address"`
	TimeZone string             `json:"time_zone"`
	Parent   string             `json:"parent"`
}

// Handler serves PUT /v1/stations/{code}: 201 when it creates the station,
// 200 when it replaces one.
func Handler(st Store) http.Handler {
	return web.HandlerFunc(func(w http.ResponseWriter, r *http.Request) error {
		p, _ := reqctx.Principal(r.Context())
		var in Input
		if err := web.DecodeJSON(r, &in); err != nil {
			return err
		}
		s := &domain.Station{Tenant: p.Tenant, Code: strings.ToUpper(r.PathValue("code")), Name: strings.TrimSpace(in.Name),
			Kind: in.Kind, Region: strings.TrimSpace(in.Region), Address: in.Address, TimeZone: in.TimeZone,
			Parent: strings.ToUpper(strings.TrimSpace(in.Parent))}
		if err := s.Validate(); err != nil {
			return err
		}
		if err := checkParent(r.Context(), st, s); err != nil {
			return err
		}
		created, err := st.PutStation(r.Context(), s)
		if err != nil {
			return err
		}
		status := http.StatusOK
		if created {
			status = http.StatusCreated
		}
		web.WriteJSON(w, status, s)
		return nil
	})
}

// checkParent makes sure the parent exists in the tenant and that the
// station is not its own ancestor.
func checkParent(ctx context.Context, st Store, s *domain.Station) error {
	seen := map[string]bool{s.Code: true}
	for code := s.Parent; code != ""; {
		if seen[code] {
			return fieldError("parent", "would make a cycle of parents through "+code)
		}
		seen[code] = true
		parent, err := st.Station(ctx, s.Tenant, code)
		if domain.IsKind(err, domain.KindNotFound) {
			return fieldError("parent", "no station "+code+" in this tenant")
		}
		if err != nil {
			return err
		}
		code = parent.Parent
	}
	return nil
}

func fieldError(field, msg string) error {
	var p domain.Problems
	p.Add(field, "%s", msg)
	return p.Err()
}
