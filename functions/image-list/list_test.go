package imagelist_test

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	imagelist "github.com/logifn/logifn/functions/image-list"
	"github.com/logifn/logifn/shared/app/apptest"
	"github.com/logifn/logifn/shared/domain"
	"github.com/logifn/logifn/shared/store"
	"github.com/logifn/logifn/shared/store/storetest"
)

var (
	owner    = domain.Principal{Tenant: "t1", Subject: "cust-1", Role: domain.RoleCustomer}
	other    = domain.Principal{Tenant: "t1", Subject: "cust-2", Role: domain.RoleCustomer}
	courier  = domain.Principal{Tenant: "t1", Subject: "courier-1", Role: domain.RoleCourier, Station: "ELSEWHERE"}
	outsider = domain.Principal{Tenant: "t2", Subject: "admin-2", Role: domain.RoleAdmin}
)

// record stores one photo of sh as waybill-image-ingest would.
func record(t *testing.T, st *store.Store, sh *domain.Shipment, kind string, status store.ImageStatus, reason, thumb string) {
	t.Helper()
	key := "images/t1/" + string(sh.Waybill) + "/" + kind + "/" + strings.Repeat(string(status[0]), 32) + ".jpg"
	img := &store.Image{Tenant: "t1", Bucket: "apptest", Key: key, ETag: "etag-" + kind, Waybill: sh.Waybill, Kind: kind,
		Status: status, Reason: reason, Format: "jpeg", Width: 640, Height: 480, Bytes: 1000, ThumbnailKey: thumb}
	if _, err := st.RecordImage(context.Background(), img, nil); err != nil {
		t.Fatal(err)
	}
}

func TestListsPhotosWithURLs(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		sh := storetest.ShipmentIn(t, st, "t1", domain.StatusDelivered)
		empty := storetest.ShipmentIn(t, st, "t1", domain.StatusCreated)
		record(t, st, sh, "label", store.ImageAccepted, "", "thumbs/t1/"+string(sh.Waybill)+"/label/a.jpg")
		record(t, st, sh, "damage", store.ImageNeedsReview, "no_barcode", "")
		record(t, st, sh, "proof_of_delivery", store.ImageRejected, "not_an_image", "")
		h := apptest.New(t, st, imagelist.Spec())
		before := time.Now()
		for _, who := range []domain.Principal{owner, courier} {
			res := h.Do(apptest.Request{Method: "GET", Path: "/v1/shipments/" + string(sh.Waybill) + "/images", Token: h.Token(who)})
			if res.Status != http.StatusOK || res.Header.Get("Cache-Control") != "no-store" {
				t.Fatalf("as %s: %d (Cache-Control %q) %s", who.Role, res.Status, res.Header.Get("Cache-Control"), res.Body)
			}
			var out imagelist.Response
			res.JSON(t, &out)
			if len(out.Images) != 3 {
				t.Fatalf("as %s: %d images, want 3: %s", who.Role, len(out.Images), res.Body)
			}
			label, damage, proof := out.Images[0], out.Images[1], out.Images[2]
			if label.Kind != "label" || label.Status != "accepted" || !strings.HasPrefix(label.URL, "mem://apptest/images/t1/") ||
				label.ThumbnailURL != "mem://apptest/thumbs/t1/"+string(sh.Waybill)+"/label/a.jpg" || label.Width != 640 {
				t.Errorf("label = %+v, want accepted with a URL and a thumbnail URL", label)
			}
			if exp := label.ExpiresAt.Sub(before); exp < 9*time.Minute || exp > 11*time.Minute {
				t.Errorf("URLs expire in %s, want %s", exp, imagelist.ViewTTL)
			}
			if damage.Status != "needs_review" || damage.Reason != "no_barcode" || damage.URL == "" || damage.ThumbnailURL != "" {
				t.Errorf("damage = %+v, want needs_review with a URL and no thumbnail", damage)
			}
			if proof.Status != "rejected" || proof.URL != "" || proof.ThumbnailURL != "" || !proof.ExpiresAt.IsZero() {
				t.Errorf("rejected photo = %+v, want no URLs", proof)
			}
		}
		res := h.Do(apptest.Request{Method: "GET", Path: "/v1/shipments/" + string(empty.Waybill) + "/images", Token: h.Token(owner)})
		if res.Status != http.StatusOK || strings.TrimSpace(string(res.Body)) != `{"images":[]}` {
			t.Errorf("a shipment without photos: %d %s, want an empty list", res.Status, res.Body)
		}
	})
}

func TestListRefuses(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		sh := storetest.ShipmentIn(t, st, "t1", domain.StatusDelivered)
		record(t, st, sh, "label", store.ImageAccepted, "", "")
		h := apptest.New(t, st, imagelist.Spec())
		path := "/v1/shipments/" + string(sh.Waybill) + "/images"
		tests := []struct {
			name   string
			path   string
			who    *domain.Principal
			status int
			code   string
		}{
			{"another customer", path, &other, 404, "not_found"},
			{"another tenant", path, &outsider, 404, "not_found"},
			{"no token", path, nil, 401, "missing_token"},
			{"bad check digit", "/v1/shipments/LF00000000018/images", &owner, 400, "invalid_waybill"},
			{"unknown parameter", path + "?size=big", &owner, 400, "invalid_query"},
		}
		for _, tt := range tests {
			r := apptest.Request{Method: "GET", Path: tt.path}
			if tt.who != nil {
				r.Token = h.Token(*tt.who)
			}
			if e := h.Do(r).Err(t, tt.status); e.Error.Code != tt.code {
				t.Errorf("%s: code %s, want %s", tt.name, e.Error.Code, tt.code)
			}
		}
	})
}
