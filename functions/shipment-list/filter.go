package shipmentlist

import (
	"net/url"

	"github.com/logifn/logifn/shared/store"
	"github.com/logifn/logifn/shared/web"
)

// Page sizes.
const (
	DefaultLimit = 20
	MaxLimit     = store.MaxListLimit
)

// cursorKind tags this function's cursors.
const cursorKind = "s1"

// parseFilter reads the query string strictly: unknown parameters, repeated
// ones and bad values are rejected with the parameter named.
func parseFilter(v url.Values) (store.ShipmentFilter, error) {
	q := web.NewQuery(v, "status", "station", "customer_id", "created_from", "created_to", "limit", "cursor")
	f := store.ShipmentFilter{
		Status:     q.Status("status"),
		Station:    q.Station("station"),
		CustomerID: q.String("customer_id"),
		Limit:      q.Int("limit", DefaultLimit, 1, MaxLimit),
	}
	f.CreatedFrom, f.CreatedTo = q.Range("created_from", "created_to")
	if c := q.Cursor("cursor", cursorKind, 1); c != nil {
		f.Before = c[0]
	}
	if len(f.CustomerID) > 64 {
		q.Problem("customer_id", "must be at most 64 characters")
	}
	return f, q.Err()
}
