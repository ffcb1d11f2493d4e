package imageupload_test

import (
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	imageupload "github.com/logifn/logifn/functions/image-upload"
	"github.com/logifn/logifn/shared/app"
	"github.com/logifn/logifn/shared/app/apptest"
	"github.com/logifn/logifn/shared/blob/memblob"
	"github.com/logifn/logifn/shared/domain"
	"github.com/logifn/logifn/shared/objectkey"
	"github.com/logifn/logifn/shared/store"
	"github.com/logifn/logifn/shared/store/storetest"
)

var (
	owner   = domain.Principal{Tenant: "t1", Subject: "cust-1", Role: domain.RoleCustomer}
	courier = domain.Principal{Tenant: "t1", Subject: "courier-1", Role: domain.RoleCourier, Station: "ELSEWHERE"}
)

func setup(t *testing.T, st *store.Store) (*apptest.Harness, *domain.Shipment) {
	t.Helper()
	sh := storetest.ShipmentIn(t, st, "t1", domain.StatusInTransit)
	return apptest.New(t, st, imageupload.Spec()), sh
}

func post(h *apptest.Harness, p domain.Principal, w domain.Waybill, body any) *apptest.Response {
	return h.Do(apptest.Request{Method: "POST", Path: "/v1/shipments/" + string(w) + "/images", Token: h.Token(p), Body: body})
}

var keyPattern = regexp.MustCompile(`^images/t1/LF\d{11}/(label|proof_of_delivery|damage)/[0-9a-f]{32}\.(jpg|png)$`)

func TestUploadURL(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		h, sh := setup(t, st)
		tests := []struct {
			who        domain.Principal
			kind, ct   string
			wantSuffix string
		}{
			{owner, "label", "image/jpeg", ".jpg"},
			{courier, "proof_of_delivery", "image/jpeg", ".jpg"},
			{courier, "damage", "image/png", ".png"},
		}
		seen := map[string]bool{}
		for _, tt := range tests {
			before := time.Now()
			res := post(h, tt.who, sh.Waybill, map[string]any{"kind": tt.kind, "content_type": tt.ct})
			if res.Status != http.StatusCreated || res.Header.Get("Cache-Control") != "no-store" {
				t.Fatalf("%s %s: got %d (Cache-Control %q) %s", tt.who.Role, tt.kind, res.Status, res.Header.Get("Cache-Control"), res.Body)
			}
			var out imageupload.Response
			res.JSON(t, &out)
			img, err := objectkey.Parse(out.Key)
			if err != nil || !keyPattern.MatchString(out.Key) || !strings.HasSuffix(out.Key, tt.wantSuffix) ||
				img.Tenant != "t1" || img.Waybill != sh.Waybill || string(img.Kind) != tt.kind {
				t.Errorf("key %q (%v), want images/t1/%s/%s/<id>%s", out.Key, err, sh.Waybill, tt.kind, tt.wantSuffix)
			}
			if seen[out.Key] {
				t.Errorf("key %s handed out twice", out.Key)
			}
			seen[out.Key] = true
			up := out.Upload
			if up.Method != http.MethodPut || up.URL != "mem://apptest/"+out.Key || up.Header.Get("Content-Type") != tt.ct {
				t.Errorf("upload %+v, want a PUT of %s to the key", up, tt.ct)
			}
			if exp := up.Expires.Sub(before); exp < 14*time.Minute || exp > 16*time.Minute {
				t.Errorf("upload expires in %s, want 15m", exp)
			}
		}
	})
}

func TestUploadURLRejects(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		h, sh := setup(t, st)
		// A tenant id a key segment cannot hold: refused rather than escaped.
		odd := storetest.ShipmentIn(t, st, "t1/../t2", domain.StatusCreated)
		good := map[string]any{"kind": "label", "content_type": "image/jpeg"}
		tests := []struct {
			name   string
			p      domain.Principal
			w      domain.Waybill
			body   any
			status int
			code   string
			field  string
		}{
			{"another customer's shipment", domain.Principal{Tenant: "t1", Subject: "cust-2", Role: domain.RoleCustomer}, sh.Waybill, good, 404, "not_found", ""},
			{"another tenant", domain.Principal{Tenant: "t2", Subject: "admin-2", Role: domain.RoleAdmin}, sh.Waybill, good, 404, "not_found", ""},
			{"no such shipment", courier, "LF00000042420", good, 404, "not_found", ""},
			{"bad check digit", courier, "LF00000000018", good, 400, "invalid_waybill", ""},
			{"unknown kind", owner, sh.Waybill, map[string]any{"kind": "selfie", "content_type": "image/jpeg"}, 422, "validation_failed", "kind"},
			{"a GIF", owner, sh.Waybill, map[string]any{"kind": "label", "content_type": "image/gif"}, 422, "validation_failed", "content_type"},
			{"nothing", owner, sh.Waybill, map[string]any{}, 422, "validation_failed", "kind"},
			{"a key of the caller's", owner, sh.Waybill, map[string]any{"kind": "label", "content_type": "image/jpeg", "key": "images/t2/x.jpg"}, 400, "unknown_field", ""},
			{"a tenant of the caller's", owner, sh.Waybill, map[string]any{"kind": "label", "content_type": "image/jpeg", "tenant": "t2"}, 400, "unknown_field", ""},
			{"a tenant id with slashes", domain.Principal{Tenant: "t1/../t2", Subject: "admin", Role: domain.RoleAdmin}, odd.Waybill, good, 400, "invalid_tenant", ""},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				e := post(h, tt.p, tt.w, tt.body).Err(t, tt.status)
				if e.Error.Code != tt.code || (tt.field != "" && (len(e.Error.Details) == 0 || e.Error.Details[0].Field != tt.field)) {
					t.Errorf("got %s %+v, want %s naming %q", e.Error.Code, e.Error.Details, tt.code, tt.field)
				}
			})
		}
	})
}

func TestUploadURLReplay(t *testing.T) {
	h, sh := setup(t, storetest.SQLite(t))
	req := apptest.Request{Method: "POST", Path: "/v1/shipments/" + string(sh.Waybill) + "/images", Token: h.Token(courier),
		Body: map[string]any{"kind": "damage", "content_type": "image/png"}, Header: map[string]string{"Idempotency-Key": "photo-app-7"}}
	first, again := h.Do(req), h.Do(req)
	if first.Status != http.StatusCreated || string(first.Body) != string(again.Body) || again.Header.Get("Idempotent-Replayed") != "true" {
		t.Errorf("replay: %d %s / %d %s", first.Status, first.Body, again.Status, again.Body)
	}
}

func TestSpecNeedsABucket(t *testing.T) {
	_, err := imageupload.Spec().New(&app.Deps{})
	if err == nil || !strings.Contains(err.Error(), "LOGIFN_BLOB_DRIVER") {
		t.Errorf("New without a bucket: %v, want an error naming LOGIFN_BLOB_DRIVER", err)
	}
	if _, err := imageupload.Spec().New(&app.Deps{Blob: memblob.New("b")}); err != nil {
		t.Errorf("New with a bucket: %v", err)
	}
}
