package shipmentcreate_test

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
	shipmentcreate "github.com/logifn/logifn/functions/shipment-create"
	"github.com/logifn/logifn/shared/app/apptest"
	"github.com/logifn/logifn/shared/domain"
	"github.com/logifn/logifn/shared/store"
	"github.com/logifn/logifn/shared/store/storetest"
)

var (
	customer = domain.Principal{Tenant: "t1", Subject: "cust-1", Role: domain.RoleCustomer}
	admin    = domain.Principal{Tenant: "t1", Subject: "admin-1", Role: domain.RoleAdmin}
	courier  = domain.Principal{Tenant: "t1", Subject: "courier-1", Role: domain.RoleCourier, Station: storetest.OriginStation}
)

// body returns a valid create request as a map tests can spoil.
func body() map[string]any {
	party := func(name, phone, city string) map[string]any {
		return map[string]any{"name": name, "phone": phone,
			"address": map[string]any{"province": city, "city": city, "district": "中心区", "detail": "人民路 1 号"}}
	}
	return map[string]any{
		"sender":              party("张三", "+86 138 0000 0001", "上海市"),
		"receiver":            party("李四", "13900000002", "北京市"),
		"service_level":       "express",
		"origin_station":      storetest.OriginStation,
		"destination_station": storetest.DestinationStation,
		"items": []any{
			map[string]any{"name": "books", "quantity": 2, "weight_g": 450, "declared_value": map[string]any{"amount": "12.50", "currency": "CNY"}},
		},
	}
}

func setup(t *testing.T, st *store.Store) *apptest.Harness {
	t.Helper()
	ctx := context.Background()
	for _, code := range []string{storetest.OriginStation, storetest.DestinationStation} {
		if _, err := st.PutStation(ctx, storetest.Station("t1", code)); err != nil {
			t.Fatal(err)
		}
	}
	return apptest.New(t, st, shipmentcreate.Spec())
}

func count(t *testing.T, st *store.Store) int {
	t.Helper()
	list, err := st.ListShipments(context.Background(), "t1", store.ShipmentFilter{Limit: 100})
	if err != nil {
		t.Fatal(err)
	}
	return len(list)
}

func TestCreate(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		h := setup(t, st)
		res := h.Do(apptest.Request{Method: "POST", Path: "/v1/shipments", Token: h.Token(customer), Body: body()})
		if res.Status != http.StatusCreated {
			t.Fatalf("status = %d, want 201: %s", res.Status, res.Body)
		}
		var got domain.Shipment
		res.JSON(t, &got)
		if _, err := domain.ParseWaybill(string(got.Waybill)); err != nil {
			t.Errorf("waybill %q invalid: %v", got.Waybill, err)
		}
		if got.Status != domain.StatusCreated || got.CustomerID != "cust-1" || got.Version != 1 || got.ServiceLevel != domain.ServiceExpress {
			t.Errorf("shipment = %+v", got)
		}
		// Both fixture stations are in Shanghai: express local, 2 × 450 g
		// within the first 1000 g.
		if got.Fee.String() != "12.00" || got.Fee.Currency != "CNY" || got.ChargeableWeightG != 1000 {
			t.Errorf("fee = %s %s for %d g, want 12.00 CNY for 1000 g", got.Fee, got.Fee.Currency, got.ChargeableWeightG)
		}
		if !strings.Contains(string(res.Body), `"fee":{"amount":"12.00","currency":"CNY"},"chargeable_weight_g":1000`) {
			t.Errorf("body lacks the fee: %s", res.Body)
		}
		if loc := res.Header.Get("Location"); loc != "/v1/shipments/"+string(got.Waybill) {
			t.Errorf("Location = %q", loc)
		}
		stored, err := st.ShipmentByWaybill(context.Background(), "t1", got.Waybill)
		if err != nil {
			t.Fatal(err)
		}
		if len(stored.Items) != 1 || stored.Items[0].DeclaredValue.Amount != 1250 || stored.Receiver.Phone != "13900000002" ||
			stored.Fee != got.Fee || stored.ChargeableWeightG != 1000 {
			t.Errorf("stored shipment = %+v", stored)
		}
		for _, want := range []string{`"route":"POST /v1/shipments"`, `"tenant":"t1"`, `"status":201`, `"request_id":"` + res.Header.Get("X-Request-Id")} {
			if !strings.Contains(h.Logs.String(), want) {
				t.Errorf("access log lacks %s:\n%s", want, h.Logs)
			}
		}
	})
}

// TestCreateFeeKnownAnswer creates a shipment whose volumetric weight wins
// between regions: 2 × 1300 g = 2600 g actual, 2 × 400×300×200 mm / 6000 =
// 8000 g volumetric; express national is 20.00 for the first 1000 g and
// 5.00 for each of the 14 further 500 g steps: 90.00.
func TestCreateFeeKnownAnswer(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		h := setup(t, st)
		beijing := storetest.Station("t1", storetest.DestinationStation)
		beijing.Region, beijing.Address = "North China", domain.Address{Province: "北京市", City: "北京市", Detail: "建国路 1 号"}
		if _, err := st.PutStation(context.Background(), beijing); err != nil {
			t.Fatal(err)
		}
		b := body()
		b["items"] = []any{map[string]any{"name": "boxes", "quantity": 2, "weight_g": 1300, "length_mm": 400, "width_mm": 300, "height_mm": 200}}
		res := h.Do(apptest.Request{Method: "POST", Path: "/v1/shipments", Token: h.Token(customer), Body: b})
		var got domain.Shipment
		res.JSON(t, &got)
		if res.Status != http.StatusCreated || got.Fee.String() != "90.00" || got.Fee.Currency != "CNY" || got.ChargeableWeightG != 8000 {
			t.Fatalf("got %d, fee %s %s for %d g; want 201, 90.00 CNY for 8000 g: %s", res.Status, got.Fee, got.Fee.Currency, got.ChargeableWeightG, res.Body)
		}
		list, err := st.ListShipments(context.Background(), "t1", store.ShipmentFilter{Limit: 1})
		if err != nil || len(list) != 1 || list[0].Fee != got.Fee || list[0].ChargeableWeightG != 8000 {
			t.Errorf("listed shipment's fee = %+v (%v), want %+v for 8000 g", list, err, got.Fee)
		}
	})
}

func TestStaffNameTheCustomer(t *testing.T) {
	h := setup(t, storetest.SQLite(t))
	b := body()
	res := h.Do(apptest.Request{Method: "POST", Path: "/v1/shipments", Token: h.Token(admin), Body: b})
	e := res.Err(t, http.StatusUnprocessableEntity)
	if len(e.Error.Details) != 1 || e.Error.Details[0].Field != "customer_id" {
		t.Errorf("details = %+v, want customer_id", e.Error.Details)
	}
	b["customer_id"] = "cust-9"
	res = h.Do(apptest.Request{Method: "POST", Path: "/v1/shipments", Token: h.Token(admin), Body: b})
	var got domain.Shipment
	res.JSON(t, &got)
	if res.Status != 201 || got.CustomerID != "cust-9" {
		t.Errorf("got %d customer %q, want 201 cust-9", res.Status, got.CustomerID)
	}
}

// TestBadInputChangesNothing sends every kind of bad request and checks the
// status, the JSON error and that no shipment was stored.
func TestBadInputChangesNothing(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		h := setup(t, st)
		expired := expiredToken(t)
		spoil := func(f func(b map[string]any)) map[string]any { b := body(); f(b); return b }
		tests := []struct {
			name   string
			token  string
			body   any
			header map[string]string
			status int
			code   string
			field  string
		}{
			{"malformed JSON", h.Token(customer), `{"sender": {`, nil, 400, "malformed_json", ""},
			{"unknown field", h.Token(customer), spoil(func(b map[string]any) { b["priority"] = "high" }), nil, 400, "unknown_field", "priority"},
			{"wrong type", h.Token(customer), spoil(func(b map[string]any) { b["items"].([]any)[0].(map[string]any)["quantity"] = "two" }), nil, 400, "wrong_type", "items.quantity"},
			{"missing receiver phone", h.Token(customer), spoil(func(b map[string]any) { delete(b["receiver"].(map[string]any), "phone") }), nil, 422, "validation_failed", "receiver.phone"},
			{"missing items", h.Token(customer), spoil(func(b map[string]any) { delete(b, "items") }), nil, 422, "validation_failed", "items"},
			{"too precise money", h.Token(customer), spoil(func(b map[string]any) {
				b["items"].([]any)[0].(map[string]any)["declared_value"] = map[string]any{"amount": "1.005", "currency": "CNY"}
			}), nil, 422, "validation_failed", "items[0].declared_value.amount"},
			{"unknown station", h.Token(customer), spoil(func(b map[string]any) { b["origin_station"] = "NOPE" }), nil, 422, "validation_failed", "origin_station"},
			{"currency other than the rate card's", h.Token(customer), spoil(func(b map[string]any) {
				b["currency"] = "USD"
				b["items"].([]any)[0].(map[string]any)["declared_value"] = map[string]any{"amount": "2.00", "currency": "USD"}
			}), nil, 422, "validation_failed", "currency"},
			{"two sizes of three", h.Token(customer), spoil(func(b map[string]any) {
				b["items"].([]any)[0].(map[string]any)["length_mm"] = 100
				b["items"].([]any)[0].(map[string]any)["width_mm"] = 100
			}), nil, 422, "validation_failed", "items[0].height_mm"},
			{"body over 1 MiB", h.Token(customer), spoil(func(b map[string]any) { b["padding"] = strings.Repeat("x", 1<<20) }), nil, 413, "body_too_large", ""},
			{"wrong content type", h.Token(customer), "sender=x", map[string]string{"Content-Type": "text/plain"}, 415, "unsupported_media_type", ""},
			{"no token", "", body(), nil, 401, "missing_token", ""},
			{"expired token", expired, body(), nil, 401, "invalid_token", ""},
			{"alg none token", algNone(t), body(), nil, 401, "invalid_token", ""},
			{"courier may not create", h.Token(courier), body(), nil, 403, "forbidden", ""},
			{"customer for another customer", h.Token(customer), spoil(func(b map[string]any) { b["customer_id"] = "cust-2" }), nil, 403, "forbidden", ""},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				res := h.Do(apptest.Request{Method: "POST", Path: "/v1/shipments", Token: tt.token, Body: tt.body, Header: tt.header})
				e := res.Err(t, tt.status)
				if e.Error.Code != tt.code {
					t.Errorf("code = %s, want %s (%s)", e.Error.Code, tt.code, res.Body)
				}
				if tt.field != "" && !hasField(e, tt.field) {
					t.Errorf("details %+v lack field %s", e.Error.Details, tt.field)
				}
				if n := count(t, st); n != 0 {
					t.Errorf("%d shipments stored after a rejected request", n)
				}
			})
		}
	})
}

func TestIdempotencyKey(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		h := setup(t, st)
		tok := h.Token(customer)
		key := map[string]string{"Idempotency-Key": "order-42"}
		first := h.Do(apptest.Request{Method: "POST", Path: "/v1/shipments", Token: tok, Body: body(), Header: key})
		again := h.Do(apptest.Request{Method: "POST", Path: "/v1/shipments", Token: tok, Body: body(), Header: key})
		if first.Status != 201 || again.Status != 201 || string(first.Body) != string(again.Body) {
			t.Fatalf("replay differs:\n%d %s\n%d %s", first.Status, first.Body, again.Status, again.Body)
		}
		if again.Header.Get("Idempotent-Replayed") != "true" {
			t.Error("replay not marked Idempotent-Replayed")
		}
		if loc := again.Header.Get("Location"); loc == "" || loc != first.Header.Get("Location") {
			t.Errorf("replayed Location = %q, want %q", loc, first.Header.Get("Location"))
		}
		if again.Header.Get("X-Request-Id") == first.Header.Get("X-Request-Id") {
			t.Error("replay repeats the first request's id; each answer has its own")
		}
		other := body()
		other["service_level"] = "standard"
		res := h.Do(apptest.Request{Method: "POST", Path: "/v1/shipments", Token: tok, Body: other, Header: key})
		if e := res.Err(t, 422); e.Error.Code != "idempotency_key_reused" {
			t.Errorf("code = %s, want idempotency_key_reused", e.Error.Code)
		}
		if n := count(t, st); n != 1 {
			t.Errorf("%d shipments stored, want 1", n)
		}
		// Another key is another shipment.
		res = h.Do(apptest.Request{Method: "POST", Path: "/v1/shipments", Token: tok, Body: body(), Header: map[string]string{"Idempotency-Key": "order-43"}})
		if res.Status != 201 || count(t, st) != 2 {
			t.Errorf("second key: status %d, %d shipments; want 201, 2", res.Status, count(t, st))
		}
	})
}

// TestCreateRetryAfterLostResponse covers a crash between storing the
// shipment and storing the idempotent response: the retry must find the
// shipment, not create another.
func TestCreateRetryAfterLostResponse(t *testing.T) {
	st := storetest.SQLite(t)
	h := setup(t, st)
	sh := storetest.Shipment("t1")
	sh.CustomerID = "cust-1"
	if _, err := st.CreateShipment(context.Background(), sh, "cust-1", "lost-1"); err != nil {
		t.Fatal(err)
	}
	res := h.Do(apptest.Request{Method: "POST", Path: "/v1/shipments", Token: h.Token(customer), Body: body(), Header: map[string]string{"Idempotency-Key": "lost-1"}})
	var got domain.Shipment
	res.JSON(t, &got)
	if res.Status != http.StatusOK || got.Waybill != sh.Waybill {
		t.Errorf("retry = %d %s, want 200 with %s", res.Status, got.Waybill, sh.Waybill)
	}
	if n := count(t, st); n != 1 {
		t.Errorf("%d shipments, want 1", n)
	}
}

func hasField(e apptest.ErrorBody, field string) bool {
	for _, d := range e.Error.Details {
		if d.Field == field {
			return true
		}
	}
	return false
}

func expiredToken(t *testing.T) string {
	t.Helper()
	c := jwt.MapClaims{"tid": "t1", "sub": "cust-1", "role": "customer", "iss": "logifn", "aud": "logifn-api",
		"iat": time.Now().Add(-3 * time.Hour).Unix(), "exp": time.Now().Add(-2 * time.Hour).Unix()}
	s, err := jwt.NewWithClaims(jwt.SigningMethodHS256, c).SignedString([]byte(apptest.Secret))
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func algNone(t *testing.T) string {
	t.Helper()
	c := jwt.MapClaims{"tid": "t1", "sub": "cust-1", "role": "customer", "iss": "logifn", "aud": "logifn-api",
		"iat": time.Now().Unix(), "exp": time.Now().Add(time.Hour).Unix()}
	s, err := jwt.NewWithClaims(jwt.SigningMethodNone, c).SignedString(jwt.UnsafeAllowNoneSignatureType)
	if err != nil {
		t.Fatal(err)
	}
	return s
}
