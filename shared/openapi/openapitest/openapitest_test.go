package openapitest_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/logifn/logifn/shared/openapi/openapitest"
)

const station = `{"code":"SHA-01","name":"Xuhui","kind":"outlet","region":"east",` +
	`"address":{"province":"上海市","city":"上海市"},"time_zone":"Asia/Shanghai",` +
	`"created_at":"2026-01-02T03:04:05Z","updated_at":"2026-01-02T03:04:05Z"}`

const errorBody = `{"error":{"code":"invalid_query","message":"the query has invalid parameters"},"request_id":"r1"}`

func TestCheck(t *testing.T) {
	jsonHeader := func(extra ...string) http.Header {
		h := http.Header{"Content-Type": {"application/json; charset=utf-8"}, "X-Request-Id": {"r1"}}
		for i := 0; i+1 < len(extra); i += 2 {
			h.Set(extra[i], extra[i+1])
		}
		return h
	}
	auth := http.Header{"Authorization": {"Bearer t"}}
	tests := []struct {
		name    string
		ex      openapitest.Exchange
		wantErr string // empty: the exchange matches the document
	}{
		{"documented answer", openapitest.Exchange{Method: "GET", Target: "/v1/stations", RequestHeader: auth,
			Status: 200, Header: jsonHeader(), Body: []byte(`{"stations":[` + station + `]}`)}, ""},
		{"documented error", openapitest.Exchange{Method: "GET", Target: "/v1/stations?x=1", RequestHeader: auth,
			Status: 400, Header: jsonHeader(), Body: []byte(errorBody)}, ""},
		{"undocumented status", openapitest.Exchange{Method: "GET", Target: "/v1/stations", RequestHeader: auth,
			Status: 404, Header: jsonHeader(), Body: []byte(errorBody)}, "status is not supported"},
		{"body off the schema", openapitest.Exchange{Method: "GET", Target: "/v1/stations", RequestHeader: auth,
			Status: 200, Header: jsonHeader(), Body: []byte(`{"stations":[` + station + `],"extra":1}`)}, "doesn't match"},
		{"field of the wrong type", openapitest.Exchange{Method: "GET", Target: "/v1/stations", RequestHeader: auth,
			Status: 200, Header: jsonHeader(), Body: []byte(`{"stations":null}`)}, "doesn't match"},
		{"required header missing", openapitest.Exchange{Method: "GET", Target: "/v1/stations", RequestHeader: auth,
			Status: 200, Header: http.Header{"Content-Type": {"application/json"}}, Body: []byte(`{"stations":[]}`)}, "X-Request-Id"},
		{"accepted request the document rejects", openapitest.Exchange{Method: "GET", Target: "/v1/shipments?colour=red", RequestHeader: auth,
			Status: 200, Header: jsonHeader(), Body: []byte(`{"shipments":[]}`)}, "the server accepted a request"},
		{"unknown route answered", openapitest.Exchange{Method: "GET", Target: "/v1/parcels", RequestHeader: auth,
			Status: 200, Header: jsonHeader(), Body: []byte(`{}`)}, "no documented operation"},
		{"unknown route refused", openapitest.Exchange{Method: "GET", Target: "/v1/parcels",
			Status: 404, Header: jsonHeader(), Body: []byte(`{"error":{"code":"route_not_found","message":"no route"},"request_id":"r1"}`)}, ""},
		{"unknown method refused", openapitest.Exchange{Method: "DELETE", Target: "/v1/stations",
			Status: 405, Header: jsonHeader(), Body: []byte(`{"error":{"code":"method_not_allowed","message":"use GET"},"request_id":"r1"}`)}, ""},
		{"platform answer off the Error shape", openapitest.Exchange{Method: "DELETE", Target: "/v1/stations",
			Status: 405, Header: jsonHeader(), Body: []byte(`{"error":{"code":"method_not_allowed"}}`)}, "Error"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := openapitest.Check(tt.ex)
			switch {
			case tt.wantErr == "" && err != nil:
				t.Errorf("Check = %v, want nil", err)
			case tt.wantErr != "" && err == nil:
				t.Errorf("Check = nil, want an error about %q", tt.wantErr)
			case tt.wantErr != "" && !strings.Contains(err.Error(), tt.wantErr):
				t.Errorf("Check = %v, want an error about %q", err, tt.wantErr)
			}
		})
	}
}
