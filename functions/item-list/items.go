// Package itemlist is the item-list function: admins list the parcel items
// of every shipment in their tenant, with filters and a keyset cursor.
package itemlist

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

// Spec is item-list's manifest entry.
func Spec() app.Spec {
	return app.Spec{
		Name:    "item-list",
		Summary: "List parcel items across the tenant's shipments",
		Routes: []app.Route{
			{Method: http.MethodGet, Path: "/v1/items", Roles: []domain.Role{domain.RoleAdmin}},
		},
		MemoryMB:       128,
		TimeoutSeconds: 10,
		New: func(d *app.Deps) (platform.Handlers, error) {
			return platform.Handlers{HTTP: Handler(d.Store)}, nil
		},
	}
}

// Store is what item-list needs of the database.
type Store interface {
	ListItems(ctx context.Context, tenant string, f store.ItemFilter) ([]store.ItemRow, error)
}

// Page is one page of items. NextCursor is empty on the last page.
type Page struct {
	Items      []store.ItemRow `json:"items"`
	NextCursor string          `json:"next_cursor,omitempty"`
}

const cursorKind = "i1"

// Handler serves GET /v1/items?station=&status=&created_from=&created_to=&limit=&cursor=.
func Handler(st Store) http.Handler {
	return web.HandlerFunc(func(w http.ResponseWriter, r *http.Request) error {
		p, _ := reqctx.Principal(r.Context())
		q := web.NewQuery(r.URL.Query(), "station", "status", "created_from", "created_to", "limit", "cursor")
		f := store.ItemFilter{Station: q.Station("station"), Status: q.Status("status"), Limit: q.Int("limit", 50, 1, store.MaxListLimit)}
		f.CreatedFrom, f.CreatedTo = q.Range("created_from", "created_to")
		if c := q.Cursor("cursor", cursorKind, 2); c != nil {
			f.After = store.ItemCursor{ShipmentID: c[0], Seq: int(c[1])}
		}
		if err := q.Err(); err != nil {
			return err
		}
		limit := f.Limit
		f.Limit++
		items, err := st.ListItems(r.Context(), p.Tenant, f)
		if err != nil {
			return err
		}
		page := Page{Items: items}
		if len(items) > limit {
			page.Items = items[:limit]
			last := page.Items[limit-1].Cursor
			page.NextCursor = web.EncodeCursor(cursorKind, last.ShipmentID, int64(last.Seq))
		}
		if page.Items == nil {
			page.Items = []store.ItemRow{}
		}
		web.WriteJSON(w, http.StatusOK, page)
		return nil
	})
}
