package tests

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/logifn/logifn/shared/app/apptest"
	"github.com/logifn/logifn/shared/auth"
	"github.com/logifn/logifn/shared/demo"
	"github.com/logifn/logifn/shared/domain"
	"github.com/logifn/logifn/shared/store"
)

// request is one HTTP call to a server process. A body that is a string,
// a []byte or an io.Reader (sent chunked) goes as it is; any other body is
// sent as JSON. contentType defaults to application/json when there is a
// body.
type request struct {
	method, path, token string
	body                any
	contentType         string
	header              map[string]string
}

// send performs r against p.
func (p *process) send(r request) (*apptest.Response, error) {
	body, err := requestBody(r.body)
	if err != nil {
		return nil, err
	}
	req, err := http.NewRequest(r.method, p.base+r.path, body)
	if err != nil {
		return nil, err
	}
	if ct := r.contentType; ct != "" || body != nil {
		if ct == "" {
			ct = "application/json"
		}
		req.Header.Set("Content-Type", ct)
	}
	if r.token != "" {
		req.Header.Set("Authorization", "Bearer "+r.token)
	}
	for k, v := range r.header {
		req.Header.Set(k, v)
	}
	resp, err := p.client.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		return nil, fmt.Errorf("%s %s: read response: %w", r.method, r.path, err)
	}
	res := &apptest.Response{Status: resp.StatusCode, Header: resp.Header, Body: b}
	if apiPath(r.path) {
		var sent []byte
		if rb, _ := requestBody(r.body); rb != nil {
			sent, _ = io.ReadAll(rb)
		}
		if err := res.CheckContract(r.method, r.path, req.Header, sent); err != nil {
			return nil, fmt.Errorf("%s %s: %w", r.method, r.path, err)
		}
	}
	return res, nil
}

// apiPath reports whether path belongs to the documented API rather than
// to a platform's runtime protocol (FC's /invoke, /initialize, /pre-stop,
// Knative's event deliveries to /).
func apiPath(path string) bool {
	p, _, _ := strings.Cut(path, "?")
	return p != "/" && p != "/invoke" && p != "/initialize" && p != "/pre-stop"
}

func requestBody(b any) (io.Reader, error) {
	switch b := b.(type) {
	case nil:
		return nil, nil
	case string:
		return strings.NewReader(b), nil
	case []byte:
		return bytes.NewReader(b), nil
	case io.Reader:
		return b, nil
	}
	js, err := json.Marshal(b)
	return bytes.NewReader(js), err
}

// do performs r against p, failing the test when no response comes.
func (p *process) do(t *testing.T, r request) *apptest.Response {
	t.Helper()
	res, err := p.send(r)
	if err != nil {
		t.Fatalf("%s %s on %s: %v", r.method, r.path, p.name, err)
	}
	return res
}

// demoUser returns the demo tenant's user with role.
func demoUser(t *testing.T, role domain.Role) domain.Principal {
	t.Helper()
	for _, u := range demo.Users() {
		if u.Role == role {
			return u
		}
	}
	t.Fatalf("the demo tenant has no %s", role)
	return domain.Principal{}
}

// keys signs and verifies tokens with the suite's secret.
func keys(t *testing.T) *auth.Keys {
	t.Helper()
	k, err := auth.NewKeys(jwtSecret, nil)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

// token returns a bearer token for p valid for ttl (an hour when zero; a
// negative ttl gives an expired token).
func token(t *testing.T, p domain.Principal, ttl time.Duration) string {
	t.Helper()
	if ttl == 0 {
		ttl = time.Hour
	}
	tok, err := keys(t).Mint(p, ttl)
	if err != nil {
		t.Fatal(err)
	}
	return tok
}

// shipmentBody is the README's create request, from the Xuhui outlet in
// Shanghai to the Chaoyang outlet in Beijing, as a map tests can spoil.
func shipmentBody() map[string]any {
	return map[string]any{
		"sender": map[string]any{"name": "张伟", "phone": "+86 138 0000 0001",
			"address": map[string]any{"province": "上海市", "city": "上海市", "district": "徐汇区", "detail": "天钥桥路 100 号"}},
		"receiver": map[string]any{"name": "王芳", "phone": "+86 137 0000 0003",
			"address": map[string]any{"province": "北京市", "city": "北京市", "district": "朝阳区", "detail": "光华路 9 号"}},
		"origin_station":      "SHA-01",
		"destination_station": "BJS-01",
		"service_level":       "express",
		"items": []any{map[string]any{"name": "Books", "quantity": 2, "weight_g": 450,
			"declared_value": map[string]any{"amount": "89.00", "currency": "CNY"}}},
	}
}

// shipmentView is the part of a shipment, as the API writes it, that the
// suite checks. The suite reads the wire as any client would, not through
// the server's own types.
type shipmentView struct {
	Waybill            domain.Waybill         `json:"waybill"`
	CustomerID         string                 `json:"customer_id"`
	Status             domain.Status          `json:"status"`
	OriginStation      string                 `json:"origin_station"`
	DestinationStation string                 `json:"destination_station"`
	Timeline           []domain.TrackingEvent `json:"timeline"`
}

// pageView is a page of GET /v1/shipments.
type pageView struct {
	Shipments  []shipmentView `json:"shipments"`
	NextCursor string         `json:"next_cursor"`
}

// listPageSize is the page size listedWaybills asks for.
const listPageSize = "100"

// listedWaybills follows GET /v1/shipments page by page as tok's holder
// sees it and returns every waybill, newest first.
func listedWaybills(t *testing.T, p *process, tok string) []domain.Waybill {
	t.Helper()
	var all []domain.Waybill
	query := "limit=" + listPageSize
	for range 100 {
		res := p.do(t, request{method: "GET", path: "/v1/shipments?" + query, token: tok})
		if res.Status != http.StatusOK {
			t.Fatalf("GET /v1/shipments?%s: %d %s", query, res.Status, res.Body)
		}
		var page pageView
		res.JSON(t, &page)
		for _, s := range page.Shipments {
			all = append(all, s.Waybill)
		}
		if page.NextCursor == "" {
			return all
		}
		query = "limit=" + listPageSize + "&cursor=" + url.QueryEscape(page.NextCursor)
	}
	t.Fatal("GET /v1/shipments: the pages did not end")
	return nil
}

// database is a database the processes of a test share.
type database struct {
	driver, dsn string
}

func (db database) env() env {
	return env{"LOGIFN_DB_DRIVER": db.driver, "LOGIFN_DB_DSN": db.dsn}
}

// open returns a store of the test's own on db, closed when t ends.
func (db database) open(t *testing.T) *store.Store {
	t.Helper()
	st, err := store.Open(store.Config{Driver: db.driver, DSN: db.dsn})
	if err != nil {
		t.Fatalf("open %s store: %v", db.driver, err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

// sqliteDatabase returns a new SQLite file migrated and seeded with the
// demo tenant by `logifn migrate` and `logifn seed`, as a deployment would
// prepare its database.
func sqliteDatabase(t *testing.T, bins binDir) database {
	t.Helper()
	db := database{driver: store.DriverSQLite, dsn: filepath.Join(t.TempDir(), "logifn.db")}
	if out := bins.run(t, db.env(), "migrate"); !strings.Contains(out, "applied 0001_") {
		t.Fatalf("logifn migrate on a new database printed %q, want the migrations it applied", out)
	}
	seed(t, bins, db)
	return db
}

// seed runs `logifn seed` on db, which must hold no demo data yet.
func seed(t *testing.T, bins binDir, db database) {
	t.Helper()
	out := bins.run(t, db.env(), "seed")
	if !strings.HasPrefix(out, "seeded tenant demo: ") || strings.HasPrefix(out, "seeded tenant demo: 0 ") {
		t.Fatalf("logifn seed printed %q, want the demo shipments it wrote", out)
	}
}

// storedWaybills returns every waybill of tenant in st, newest first, read
// page by page.
func storedWaybills(t *testing.T, st *store.Store, tenant string) []domain.Waybill {
	t.Helper()
	var all []domain.Waybill
	f := store.ShipmentFilter{Limit: store.MaxListLimit}
	for {
		page, err := st.ListShipments(context.Background(), tenant, f)
		if err != nil {
			t.Fatalf("list %s shipments: %v", tenant, err)
		}
		for _, s := range page {
			all = append(all, s.Waybill)
		}
		if len(page) < f.Limit {
			return all
		}
		f.Before = page[len(page)-1].ID
	}
}
