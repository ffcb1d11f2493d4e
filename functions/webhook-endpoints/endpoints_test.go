package webhookendpoints_test

import (
	"net/http"
	"strings"
	"testing"
	"time"

	webhookendpoints "github.com/logifn/logifn/functions/webhook-endpoints"
	"github.com/logifn/logifn/shared/app"
	"github.com/logifn/logifn/shared/app/apptest"
	"github.com/logifn/logifn/shared/domain"
	"github.com/logifn/logifn/shared/platform"
	"github.com/logifn/logifn/shared/store"
	"github.com/logifn/logifn/shared/store/storetest"
	"github.com/logifn/logifn/shared/webhook"
)

var (
	admin    = domain.Principal{Tenant: "t1", Subject: "admin-1", Role: domain.RoleAdmin}
	outsider = domain.Principal{Tenant: "t2", Subject: "admin-2", Role: domain.RoleAdmin}
)

// localSpec is the function as the local platform builds it, where
// private and loopback targets are allowed.
func localSpec() app.Spec {
	spec := webhookendpoints.Spec()
	spec.New = func(d *app.Deps) (platform.Handlers, error) {
		local := *d
		local.Config.WebhookAllowPrivate = true
		return webhookendpoints.Spec().New(&local)
	}
	return spec
}

type client struct {
	t *testing.T
	h *apptest.Harness
}

func (c client) do(p domain.Principal, method, path string, body any) *apptest.Response {
	c.t.Helper()
	return c.h.Do(apptest.Request{Method: method, Path: path, Token: c.h.Token(p), Body: body})
}

func (c client) create(p domain.Principal, url string, types ...string) webhookendpoints.WithSecret {
	c.t.Helper()
	res := c.do(p, "POST", "/v1/webhooks", map[string]any{"url": url, "event_types": types, "description": "ERP"})
	if res.Status != http.StatusCreated {
		c.t.Fatalf("create %s: %d %s", url, res.Status, res.Body)
	}
	var got webhookendpoints.WithSecret
	res.JSON(c.t, &got)
	return got
}

func (c client) list(p domain.Principal) []webhook.Endpoint {
	c.t.Helper()
	res := c.do(p, "GET", "/v1/webhooks", nil)
	if res.Status != http.StatusOK {
		c.t.Fatalf("list: %d %s", res.Status, res.Body)
	}
	if strings.Contains(string(res.Body), webhook.SecretPrefix) {
		c.t.Errorf("the list shows a secret: %s", res.Body)
	}
	var l webhookendpoints.List
	res.JSON(c.t, &l)
	return l.Webhooks
}

func TestCreateListDelete(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		c := client{t, apptest.New(t, st, webhookendpoints.Spec())}
		got := c.create(admin, "https://erp.example.com/hooks/logifn", "shipment.status_changed", "shipment.exception")
		if !strings.HasPrefix(got.Secret, webhook.SecretPrefix) || got.ID == "" || !got.Enabled || got.PreviousSecretExpiresAt != nil ||
			len(got.EventTypes) != 2 || got.Description != "ERP" {
			t.Errorf("created %+v", got)
		}
		list := c.list(admin)
		if len(list) != 1 || list[0].ID != got.ID || list[0].URL != "https://erp.example.com/hooks/logifn" {
			t.Errorf("list = %+v", list)
		}
		if other := c.list(outsider); len(other) != 0 {
			t.Errorf("another tenant lists %+v", other)
		}
		c.do(outsider, "DELETE", "/v1/webhooks/"+got.ID, nil).Err(t, http.StatusNotFound)
		c.do(admin, "DELETE", "/v1/webhooks/not-an-id", nil).Err(t, http.StatusNotFound)
		if res := c.do(admin, "DELETE", "/v1/webhooks/"+got.ID, nil); res.Status != http.StatusNoContent || len(res.Body) != 0 {
			t.Errorf("delete: %d %s", res.Status, res.Body)
		}
		c.do(admin, "DELETE", "/v1/webhooks/"+got.ID, nil).Err(t, http.StatusNotFound)
		if list := c.list(admin); len(list) != 0 {
			t.Errorf("after delete: %+v", list)
		}
	})
}

func TestCreateRejects(t *testing.T) {
	st := storetest.SQLite(t)
	prod := client{t, apptest.New(t, st, webhookendpoints.Spec())}
	local := client{t, apptest.New(t, st, localSpec())}
	body := func(url string, types ...string) map[string]any {
		return map[string]any{"url": url, "event_types": types}
	}
	tests := []struct {
		name   string
		c      client
		body   any
		status int
		field  string
	}{
		{"plain http", prod, body("http://erp.example.com/h", "shipment.exception"), 422, "url"},
		{"loopback in production", prod, body("http://127.0.0.1:9000/h", "shipment.exception"), 422, "url"},
		{"private address in production", prod, body("https://10.0.0.8/h", "shipment.exception"), 422, "url"},
		{"metadata address even locally", local, body("http://169.254.169.254/latest", "shipment.exception"), 422, "url"},
		{"http elsewhere even locally", local, body("http://erp.example.com/h", "shipment.exception"), 422, "url"},
		{"credentials in the url", prod, body("https://u:p@erp.example.com/h", "shipment.exception"), 422, "url"},
		{"no url", prod, body("", "shipment.exception"), 422, "url"},
		{"no event types", prod, body("https://erp.example.com/h"), 422, "event_types"},
		{"unknown event type", prod, body("https://erp.example.com/h", "shipment.exception", "shipment.lost"), 422, "event_types[1]"},
		{"repeated event type", prod, body("https://erp.example.com/h", "shipment.exception", "shipment.exception"), 422, "event_types[1]"},
		{"long description", prod, map[string]any{"url": "https://erp.example.com/h", "event_types": []string{"shipment.exception"},
			"description": strings.Repeat("x", 201)}, 422, "description"},
		{"secret in the body", prod, map[string]any{"url": "https://erp.example.com/h", "event_types": []string{"shipment.exception"},
			"secret": "mine"}, 400, "secret"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := tt.c.do(admin, "POST", "/v1/webhooks", tt.body).Err(t, tt.status)
			if len(e.Error.Details) == 0 || e.Error.Details[0].Field != tt.field {
				t.Errorf("details = %+v, want %s", e.Error.Details, tt.field)
			}
		})
	}
	if got := local.create(admin, "http://127.0.0.1:9000/hook", "image.needs_review"); !got.Enabled {
		t.Errorf("a loopback receiver on the local platform: %+v", got)
	}
	for range store.MaxWebhookEndpoints - 1 {
		prod.create(admin, "https://erp.example.com/h", "shipment.exception")
	}
	if e := prod.do(admin, "POST", "/v1/webhooks", body("https://erp.example.com/h", "shipment.exception")).Err(t, 422); e.Error.Code != "too_many_webhooks" {
		t.Errorf("code %s, want too_many_webhooks", e.Error.Code)
	}
}

func TestRotateAndEnable(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		c := client{t, apptest.New(t, st, webhookendpoints.Spec())}
		made := c.create(admin, "https://erp.example.com/h", "shipment.status_changed")
		res := c.do(admin, "POST", "/v1/webhooks/"+made.ID+"/rotate-secret", nil)
		var rotated webhookendpoints.WithSecret
		res.JSON(t, &rotated)
		if res.Status != http.StatusOK || rotated.Secret == made.Secret || !strings.HasPrefix(rotated.Secret, webhook.SecretPrefix) ||
			rotated.PreviousSecretExpiresAt == nil || time.Until(*rotated.PreviousSecretExpiresAt) < 23*time.Hour {
			t.Errorf("rotate: %d %+v", res.Status, rotated)
		}
		stored, err := st.WebhookEndpoint(t.Context(), "t1", made.ID)
		if err != nil || stored.Secret != rotated.Secret || stored.PreviousSecret != made.Secret {
			t.Errorf("stored secrets after rotation: %+v, %v", stored, err)
		}
		c.do(outsider, "POST", "/v1/webhooks/"+made.ID+"/rotate-secret", nil).Err(t, http.StatusNotFound)

		res = c.do(admin, "POST", "/v1/webhooks/"+made.ID+"/enable", nil)
		var enabled webhook.Endpoint
		res.JSON(t, &enabled)
		if res.Status != http.StatusOK || !enabled.Enabled || enabled.ID != made.ID {
			t.Errorf("enable: %d %s", res.Status, res.Body)
		}
		c.do(outsider, "POST", "/v1/webhooks/"+made.ID+"/enable", nil).Err(t, http.StatusNotFound)
	})
}

func TestReplay(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		c := client{t, apptest.New(t, st, webhookendpoints.Spec())}
		sh := storetest.ShipmentIn(t, st, "t1", domain.StatusCreated)
		events, err := st.WebhookEvents(t.Context(), "t1", sh.ID)
		if err != nil || len(events) != 1 {
			t.Fatalf("events %v, %v", events, err)
		}
		path := "/v1/webhook-events/" + events[0].ID + "/replay"
		if e := c.do(admin, "POST", path, nil).Err(t, http.StatusConflict); e.Error.Code != "no_webhook" {
			t.Errorf("no subscriber: code %s", e.Error.Code)
		}
		a := c.create(admin, "https://a.example.com/h", "shipment.status_changed")
		b := c.create(admin, "https://b.example.com/h", "shipment.exception")
		res := c.do(admin, "POST", path, nil)
		var got webhookendpoints.Replayed
		res.JSON(t, &got)
		if res.Status != http.StatusAccepted || got.EventID != events[0].ID || len(got.EndpointIDs) != 1 || got.EndpointIDs[0] != a.ID {
			t.Errorf("replay to subscribers: %d %s", res.Status, res.Body)
		}
		res = c.do(admin, "POST", path, map[string]any{"endpoint_id": b.ID})
		res.JSON(t, &got)
		if res.Status != http.StatusAccepted || len(got.EndpointIDs) != 1 || got.EndpointIDs[0] != b.ID {
			t.Errorf("replay to one endpoint: %d %s", res.Status, res.Body)
		}
		if e := c.do(admin, "POST", path, map[string]any{"endpoint_id": "9b2e4a0c-1f7d-4c3e-8a61-2d5b7e9f0a13"}).Err(t, 422); e.Error.Details[0].Field != "endpoint_id" {
			t.Errorf("unknown endpoint: %+v", e.Error)
		}
		c.do(outsider, "POST", path, nil).Err(t, http.StatusNotFound)
		c.do(admin, "POST", "/v1/webhook-events/9b2e4a0c-1f7d-4c3e-8a61-2d5b7e9f0a13/replay", nil).Err(t, http.StatusNotFound)
	})
}
