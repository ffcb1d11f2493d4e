// Package shipmentlist is the shipment-list function: a page of shipments,
// newest first, with filters and a keyset cursor. Customers see their own,
// couriers and operators their station's, admins the whole tenant.
package shipmentlist

import (
	"context"
	"net/http"

	"github.com/logifn/logifn/shared/app"
	"github.com/logifn/logifn/shared/domain"
	"github.com/logifn/logifn/shared/platform"
	"github.com/logifn/logifn/shared/reqctx"
	"github.com/logifn/logifn/shared/store"
	"github.com/logifn/logifn/shared/web"
)

// Spec is shipment-list's manifest entry.
func Spec() app.Spec {
	return app.Spec{
		Name:    "shipment-list",
		Summary: "List shipments, newest first, with filters and a cursor",
		Routes: []app.Route{
			{Method: http.MethodGet, Path: "/v1/shipments", Roles: domain.Roles},
		},
		MemoryMB:       128,
		TimeoutSeconds: 5,
		New: func(d *app.Deps) (platform.Handlers, error) {
			return platform.Handlers{HTTP: Handler(d.Store)}, nil
		},
	}
}

// Store is what shipment-list needs of the database.
type Store interface {
	ListShipments(ctx context.Context, tenant string, f store.ShipmentFilter) ([]*domain.Shipment, error)
}

// Page is one page of shipments. NextCursor is empty on the last page.
type Page struct {
	Shipments  []*domain.Shipment `json:"shipments"`
	NextCursor string             `json:"next_cursor,omitempty"`
}

// AppendJSON appends p to b as json.Marshal writes it, shipment by
// shipment without reflection (see web.JSONAppender).
func (p Page) AppendJSON(b []byte) ([]byte, error) {
	if p.Shipments == nil {
		b = append(b, `{"shipments":null`...)
	} else {
		b = append(b, `{"shipments":[`...)
		for i, sh := range p.Shipments {
			if i > 0 {
				b = append(b, ',')
			}
			if sh == nil {
				b = append(b, "null"...)
				continue
			}
			var err error
			if b, err = domain.AppendShipmentJSON(b, sh); err != nil {
				return nil, err
			}
		}
		b = append(b, ']')
	}
	if p.NextCursor != "" {
		b = append(b, `,"next_cursor":`...)
		b = domain.AppendJSONString(b, p.NextCursor)
	}
	return append(b, '}'), nil
}

// Handler serves GET /v1/shipments.
func Handler(st Store) http.Handler {
	return web.HandlerFunc(func(w http.ResponseWriter, r *http.Request) error {
		p, _ := reqctx.Principal(r.Context())
		f, err := parseFilter(r.URL.Query())
		if err != nil {
			return err
		}
		if err := scope(&f, p); err != nil {
			return err
		}
		limit := f.Limit
		f.Limit++ // one more tells whether another page follows
		list, err := st.ListShipments(r.Context(), p.Tenant, f)
		if err != nil {
			return err
		}
		page := Page{Shipments: list}
		if len(list) > limit {
			page.Shipments = list[:limit]
			page.NextCursor = web.EncodeCursor(cursorKind, page.Shipments[limit-1].ID)
		}
		if page.Shipments == nil {
			page.Shipments = []*domain.Shipment{}
		}
		web.WriteJSON(w, http.StatusOK, page)
		return nil
	})
}

// scope narrows f to what p may see.
func scope(f *store.ShipmentFilter, p domain.Principal) error {
	switch p.Role {
	case domain.RoleCustomer:
		if f.CustomerID != "" && f.CustomerID != p.Subject {
			return domain.Errorf(domain.KindForbidden, "forbidden", "customers list their own shipments only")
		}
		f.CustomerID = p.Subject
	case domain.RoleCourier, domain.RoleOperator:
		if f.Station != "" && f.Station != p.Station {
			return domain.Errorf(domain.KindForbidden, "forbidden", "a %s lists the shipments of station %s only", p.Role, p.Station)
		}
		f.Station = p.Station
	}
	return nil
}
