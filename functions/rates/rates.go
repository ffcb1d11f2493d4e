// Package rates is the rates function: every caller may read the tenant's
// rate cards, and an admin may set the card of one service level and zone.
package rates

import (
	"context"
	"net/http"

	"github.com/logifn/logifn/shared/app"
	"github.com/logifn/logifn/shared/domain"
	"github.com/logifn/logifn/shared/platform"
	"github.com/logifn/logifn/shared/reqctx"
	"github.com/logifn/logifn/shared/web"
)

// Spec is rates' manifest entry.
func Spec() app.Spec {
	return app.Spec{
		Name:    "rates",
		Summary: "List the tenant's rate cards, and set one (admin)",
		Routes: []app.Route{
			{Method: http.MethodGet, Path: "/v1/rates", Roles: domain.Roles},
			{Method: http.MethodPut, Path: "/v1/rates/{service_level}/{zone}", Roles: []domain.Role{domain.RoleAdmin}},
		},
		MemoryMB:       128,
		TimeoutSeconds: 5,
		New: func(d *app.Deps) (platform.Handlers, error) {
			return platform.Handlers{HTTP: Handler(d.Store)}, nil
		},
	}
}

// Store is what rates needs of the database. RateCards returns a card for
// every service level and zone, the defaults where the tenant set none;
// PutRateCard fails with unprocessable for an invalid card. Both fail with
// unavailable when the database is down.
type Store interface {
	RateCards(ctx context.Context, tenant string) ([]domain.RateCard, error)
	PutRateCard(ctx context.Context, tenant string, card domain.RateCard) error
}

// List is the body of GET /v1/rates.
type List struct {
	RateCards []domain.RateCard `json:"rate_cards"`
}

// Handler serves GET /v1/rates and PUT /v1/rates/{service_level}/{zone}.
func Handler(st Store) http.Handler {
	list, put := listCards(st), putCard(st)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodPut {
			put.ServeHTTP(w, r)
			return
		}
		list.ServeHTTP(w, r)
	})
}

func listCards(st Store) http.Handler {
	return web.HandlerFunc(func(w http.ResponseWriter, r *http.Request) error {
		p, _ := reqctx.Principal(r.Context())
		if err := web.NewQuery(r.URL.Query()).Err(); err != nil {
			return err
		}
		cards, err := st.RateCards(r.Context(), p.Tenant)
		if err != nil {
			return err
		}
		web.WriteJSON(w, http.StatusOK, List{RateCards: cards})
		return nil
	})
}

// putCard replaces the card named by the path with the body's figures; the
// same request again changes nothing more.
func putCard(st Store) http.Handler {
	return web.HandlerFunc(func(w http.ResponseWriter, r *http.Request) error {
		p, _ := reqctx.Principal(r.Context())
		var in domain.RateCardInput
		if err := web.DecodeJSON(r, &in); err != nil {
			return err
		}
		card, err := in.RateCard(domain.ServiceLevel(r.PathValue("service_level")), domain.Zone(r.PathValue("zone")))
		if err != nil {
			return err
		}
		if err := st.PutRateCard(r.Context(), p.Tenant, card); err != nil {
			return err
		}
		web.WriteJSON(w, http.StatusOK, card)
		return nil
	})
}
