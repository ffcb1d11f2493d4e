// Package quote is the quote function: what sending some parcels from one
// station to another would cost, with every figure behind the fee. It
// changes nothing.
package quote

import (
	"context"
	"net/http"

	"github.com/logifn/logifn/shared/app"
	"github.com/logifn/logifn/shared/domain"
	"github.com/logifn/logifn/shared/platform"
	"github.com/logifn/logifn/shared/reqctx"
	"github.com/logifn/logifn/shared/web"
)

// Spec is quote's manifest entry.
func Spec() app.Spec {
	return app.Spec{
		Name:    "quote",
		Summary: "Quote the fee of a parcel from actual and volumetric weight, service level and zone",
		Routes: []app.Route{
			{Method: http.MethodPost, Path: "/v1/quotes", Roles: domain.Roles},
		},
		MemoryMB:       128,
		TimeoutSeconds: 5,
		ReadOnly:       true,
		New: func(d *app.Deps) (platform.Handlers, error) {
			return platform.Handlers{HTTP: Handler(d.Store)}, nil
		},
	}
}

// Store is what quote needs of the database. Quote fails with unprocessable
// for unknown stations (naming origin_station or destination_station) and
// bad items, and with unavailable when the database is down.
type Store interface {
	Quote(ctx context.Context, tenant, origin, destination string, level domain.ServiceLevel, items []domain.Item) (domain.Quote, error)
}

// Handler serves POST /v1/quotes.
func Handler(st Store) http.Handler {
	return web.HandlerFunc(func(w http.ResponseWriter, r *http.Request) error {
		p, _ := reqctx.Principal(r.Context())
		var in domain.QuoteInput
		if err := web.DecodeJSON(r, &in); err != nil {
			return err
		}
		items, err := in.Parcels()
		if err != nil {
			return err
		}
		q, err := st.Quote(r.Context(), p.Tenant, in.OriginStation, in.DestinationStation, in.ServiceLevel, items)
		if err != nil {
			return err
		}
		web.WriteJSON(w, http.StatusOK, q)
		return nil
	})
}
