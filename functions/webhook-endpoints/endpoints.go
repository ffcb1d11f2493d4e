// Package webhookendpoints is the webhook-endpoints function: a tenant's
// admins register the URLs logifn sends events to, list them, delete them,
// rotate their signing secrets, enable them again after logifn disabled
// them for failing, and ask for one event to be sent again. A secret is
// shown once, when it is made.
package webhookendpoints

import (
	"context"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/logifn/logifn/shared/app"
	"github.com/logifn/logifn/shared/domain"
	"github.com/logifn/logifn/shared/platform"
	"github.com/logifn/logifn/shared/reqctx"
	"github.com/logifn/logifn/shared/web"
	"github.com/logifn/logifn/shared/webhook"
)

// Spec is webhook-endpoints' manifest entry.
func Spec() app.Spec {
	admin := []domain.Role{domain.RoleAdmin}
	return app.Spec{
		Name:    "webhook-endpoints",
		Summary: "Register, list, delete and enable webhook endpoints, rotate their secrets, replay an event (admin)",
		Routes: []app.Route{
			{Method: http.MethodPost, Path: "/v1/webhooks", Roles: admin},
			{Method: http.MethodGet, Path: "/v1/webhooks", Roles: admin},
			{Method: http.MethodDelete, Path: "/v1/webhooks/{id}", Roles: admin},
			{Method: http.MethodPost, Path: "/v1/webhooks/{id}/rotate-secret", Roles: admin},
			{Method: http.MethodPost, Path: "/v1/webhooks/{id}/enable", Roles: admin},
			{Method: http.MethodPost, Path: "/v1/webhook-events/{id}/replay", Roles: admin},
		},
		MemoryMB:       128,
		TimeoutSeconds: 10,
		New: func(d *app.Deps) (platform.Handlers, error) {
			return platform.Handlers{HTTP: Handler(d.Store, d.Config.WebhookAllowPrivate)}, nil
		},
	}
}

// Store is what webhook-endpoints needs of the database. Every method but
// CreateWebhookEndpoint and WebhookEndpoints fails with not found for an
// endpoint or event outside the tenant. CreateWebhookEndpoint fails with
// unprocessable when the tenant has as many endpoints as it may;
// ReplayWebhookEvent with unprocessable for an unknown endpoint and
// conflict for a disabled one or when no endpoint would get the event.
type Store interface {
	CreateWebhookEndpoint(ctx context.Context, e *webhook.Endpoint) error
	WebhookEndpoints(ctx context.Context, tenant string) ([]webhook.Endpoint, error)
	DeleteWebhookEndpoint(ctx context.Context, tenant, id string) error
	RotateWebhookSecret(ctx context.Context, tenant, id, secret string, grace time.Duration) (*webhook.Endpoint, error)
	EnableWebhookEndpoint(ctx context.Context, tenant, id string) (*webhook.Endpoint, error)
	ReplayWebhookEvent(ctx context.Context, tenant, eventID, endpointID string) ([]string, error)
}

// RotationGrace is how long a rotated secret keeps signing deliveries
// next to the new one, so receivers can switch without dropping events.
const RotationGrace = 24 * time.Hour

// Input is the body of POST /v1/webhooks.
type Input struct {
	URL         string              `json:"url"`
	EventTypes  []webhook.EventType `json:"event_types"`
	Description string              `json:"description"`
}

// WithSecret is an endpoint with its signing secret, shown only when the
// secret is made. PreviousSecretExpiresAt is set after a rotation: until
// then deliveries are signed with both secrets.
type WithSecret struct {
	webhook.Endpoint
	Secret                  string     `json:"secret"`
	PreviousSecretExpiresAt *time.Time `json:"previous_secret_expires_at,omitempty"`
}

// List is the body of GET /v1/webhooks.
type List struct {
	Webhooks []webhook.Endpoint `json:"webhooks"`
}

// ReplayInput is the optional body of a replay: one endpoint to send to,
// instead of every enabled endpoint subscribed to the event's type.
type ReplayInput struct {
	EndpointID string `json:"endpoint_id"`
}

// Replayed is the answer to a replay: the endpoints the event is queued for.
type Replayed struct {
	EventID     string   `json:"event_id"`
	EndpointIDs []string `json:"endpoint_ids"`
}

// Handler serves the function's routes. allowPrivate accepts endpoint URLs
// on private and loopback addresses (see webhook.CheckURL).
func Handler(st Store, allowPrivate bool) http.Handler {
	mux := http.NewServeMux()
	mux.Handle("POST /v1/webhooks", create(st, allowPrivate))
	mux.Handle("GET /v1/webhooks", list(st))
	mux.Handle("DELETE /v1/webhooks/{id}", remove(st))
	mux.Handle("POST /v1/webhooks/{id}/rotate-secret", rotate(st))
	mux.Handle("POST /v1/webhooks/{id}/enable", enable(st))
	mux.Handle("POST /v1/webhook-events/{id}/replay", replay(st))
	return mux
}

// create registers an endpoint: 201 with its secret.
func create(st Store, allowPrivate bool) http.Handler {
	return web.HandlerFunc(func(w http.ResponseWriter, r *http.Request) error {
		p, _ := reqctx.Principal(r.Context())
		var in Input
		if err := web.DecodeJSON(r, &in); err != nil {
			return err
		}
		in.URL, in.Description = strings.TrimSpace(in.URL), strings.TrimSpace(in.Description)
		if err := in.validate(allowPrivate); err != nil {
			return err
		}
		secret, err := webhook.NewSecret()
		if err != nil {
			return domain.Wrap(domain.KindInternal, "internal", "internal error", err)
		}
		e := &webhook.Endpoint{Tenant: p.Tenant, URL: in.URL, Description: in.Description, EventTypes: in.EventTypes, Secret: secret}
		if err := st.CreateWebhookEndpoint(r.Context(), e); err != nil {
			return err
		}
		web.WriteJSON(w, http.StatusCreated, WithSecret{Endpoint: *e, Secret: secret})
		return nil
	})
}

func (in *Input) validate(allowPrivate bool) error {
	var p domain.Problems
	if in.URL == "" {
		p.Add("url", "is required")
	} else if err := webhook.CheckURL(in.URL, allowPrivate); err != nil {
		p.Add("url", "%s", err.Error())
	}
	if len(in.EventTypes) == 0 {
		p.Add("event_types", "name at least one of %s", typeNames())
	}
	for i, t := range in.EventTypes {
		switch {
		case !t.Valid():
			p.Add("event_types["+strconv.Itoa(i)+"]", "must be one of %s", typeNames())
		case slices.Index(in.EventTypes, t) < i:
			p.Add("event_types["+strconv.Itoa(i)+"]", "repeats %s", t)
		}
	}
	domain.CheckText(&p, "description", in.Description, 200, false)
	return p.Err()
}

func typeNames() string {
	names := make([]string, len(webhook.EventTypes))
	for i, t := range webhook.EventTypes {
		names[i] = string(t)
	}
	return strings.Join(names, ", ")
}

func list(st Store) http.Handler {
	return web.HandlerFunc(func(w http.ResponseWriter, r *http.Request) error {
		p, _ := reqctx.Principal(r.Context())
		if err := web.NewQuery(r.URL.Query()).Err(); err != nil {
			return err
		}
		all, err := st.WebhookEndpoints(r.Context(), p.Tenant)
		if err != nil {
			return err
		}
		web.WriteJSON(w, http.StatusOK, List{Webhooks: all})
		return nil
	})
}

// remove deletes an endpoint and whatever was still queued for it: 204.
func remove(st Store) http.Handler {
	return web.HandlerFunc(func(w http.ResponseWriter, r *http.Request) error {
		p, _ := reqctx.Principal(r.Context())
		id, err := pathID(r, "webhook endpoint")
		if err != nil {
			return err
		}
		if err := st.DeleteWebhookEndpoint(r.Context(), p.Tenant, id); err != nil {
			return err
		}
		w.WriteHeader(http.StatusNoContent)
		return nil
	})
}

// rotate gives an endpoint a new secret and shows it: 200.
func rotate(st Store) http.Handler {
	return web.HandlerFunc(func(w http.ResponseWriter, r *http.Request) error {
		p, _ := reqctx.Principal(r.Context())
		id, err := pathID(r, "webhook endpoint")
		if err != nil {
			return err
		}
		secret, err := webhook.NewSecret()
		if err != nil {
			return domain.Wrap(domain.KindInternal, "internal", "internal error", err)
		}
		e, err := st.RotateWebhookSecret(r.Context(), p.Tenant, id, secret, RotationGrace)
		if err != nil {
			return err
		}
		until := e.PreviousSecretUntil
		web.WriteJSON(w, http.StatusOK, WithSecret{Endpoint: *e, Secret: secret, PreviousSecretExpiresAt: &until})
		return nil
	})
}

// enable turns an endpoint back on after logifn disabled it: 200. What was
// queued for it meanwhile goes out in order.
func enable(st Store) http.Handler {
	return web.HandlerFunc(func(w http.ResponseWriter, r *http.Request) error {
		p, _ := reqctx.Principal(r.Context())
		id, err := pathID(r, "webhook endpoint")
		if err != nil {
			return err
		}
		e, err := st.EnableWebhookEndpoint(r.Context(), p.Tenant, id)
		if err != nil {
			return err
		}
		web.WriteJSON(w, http.StatusOK, e)
		return nil
	})
}

// replay queues one event once more: 202. It goes out with the next
// dispatch, marked Logifn-Replay: true, ahead of its shipment's queue.
func replay(st Store) http.Handler {
	return web.HandlerFunc(func(w http.ResponseWriter, r *http.Request) error {
		p, _ := reqctx.Principal(r.Context())
		id, err := pathID(r, "webhook event")
		if err != nil {
			return err
		}
		var in ReplayInput
		if r.ContentLength != 0 {
			if err := web.DecodeJSON(r, &in); err != nil {
				return err
			}
		}
		to, err := st.ReplayWebhookEvent(r.Context(), p.Tenant, id, strings.TrimSpace(in.EndpointID))
		if err != nil {
			return err
		}
		web.WriteJSON(w, http.StatusAccepted, Replayed{EventID: id, EndpointIDs: to})
		return nil
	})
}

// pathID returns the {id} of the path, a UUID; anything else names nothing
// that exists.
func pathID(r *http.Request, what string) (string, error) {
	id := strings.ToLower(r.PathValue("id"))
	if len(id) != 36 || uuid.Validate(id) != nil {
		return "", domain.Errorf(domain.KindNotFound, "not_found", "%s not found", what)
	}
	return id, nil
}
