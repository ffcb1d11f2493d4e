package web

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/logifn/logifn/shared/domain"
)

type sample struct {
	Name  string `json:"name"`
	Count int    `json:"count"`
	Inner struct {
		Phone string `json:"phone"`
	} `json:"inner"`
}

func TestDecodeJSON(t *testing.T) {
	tests := []struct {
		name        string
		contentType string
		body        string
		kind        domain.Kind
		code        string
		field       string
	}{
		{"ok", "application/json", `{"name":"a","count":2}`, "", "", ""},
		{"ok with charset", "application/json; charset=utf-8", `{"name":"a"}`, "", "", ""},
		{"no content type", "", `{"name":"a"}`, domain.KindUnsupportedType, "unsupported_media_type", ""},
		{"form", "application/x-www-form-urlencoded", `name=a`, domain.KindUnsupportedType, "unsupported_media_type", ""},
		{"malformed", "application/json", `{"name":`, domain.KindInvalid, "malformed_json", ""},
		{"syntax", "application/json", `{"name" "a"}`, domain.KindInvalid, "malformed_json", ""},
		{"empty", "application/json", ``, domain.KindInvalid, "malformed_json", ""},
		{"two objects", "application/json", `{"name":"a"}{"name":"b"}`, domain.KindInvalid, "malformed_json", ""},
		{"unknown field", "application/json", `{"name":"a","colour":"red"}`, domain.KindInvalid, "unknown_field", "colour"},
		{"wrong type", "application/json", `{"count":"two"}`, domain.KindInvalid, "wrong_type", "count"},
		{"wrong nested type", "application/json", `{"inner":{"phone":123}}`, domain.KindInvalid, "wrong_type", "inner.phone"},
		{"array body", "application/json", `[1,2]`, domain.KindInvalid, "wrong_type", "(body)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := httptest.NewRequest("POST", "/", strings.NewReader(tt.body))
			if tt.contentType != "" {
				r.Header.Set("Content-Type", tt.contentType)
			}
			var v sample
			err := DecodeJSON(r, &v)
			if tt.kind == "" {
				if err != nil || v.Name != "a" {
					t.Fatalf("DecodeJSON = %v, name %q; want nil, a", err, v.Name)
				}
				return
			}
			e, ok := err.(*domain.Error)
			if !ok || e.Kind != tt.kind || e.Code != tt.code {
				t.Fatalf("DecodeJSON error = %v, want kind %s code %s", err, tt.kind, tt.code)
			}
			if tt.field != "" && (len(e.Details) != 1 || e.Details[0].Field != tt.field) {
				t.Errorf("details = %+v, want field %s", e.Details, tt.field)
			}
		})
	}
}

func TestDecodeJSONTooLarge(t *testing.T) {
	body := `{"name":"` + strings.Repeat("x", 2000) + `"}`
	h := LimitBody(1024, HandlerFunc(func(w http.ResponseWriter, r *http.Request) error {
		var v sample
		return DecodeJSON(r, &v)
	}))
	for _, chunked := range []bool{false, true} {
		r := httptest.NewRequest("POST", "/", strings.NewReader(body))
		r.Header.Set("Content-Type", "application/json")
		if chunked {
			r.ContentLength = -1 // unknown length: the limit must bite while reading
		}
		w := httptest.NewRecorder()
		h.ServeHTTP(w, r)
		if w.Code != http.StatusRequestEntityTooLarge || !strings.Contains(w.Body.String(), `"body_too_large"`) {
			t.Errorf("chunked=%v: got %d %s, want 413 body_too_large", chunked, w.Code, w.Body)
		}
	}
}

func TestStatusOfEveryKind(t *testing.T) {
	kinds := []domain.Kind{domain.KindInvalid, domain.KindUnprocessable, domain.KindNotFound, domain.KindConflict,
		domain.KindPrecondition, domain.KindUnauthorized, domain.KindForbidden, domain.KindMethodNotAllowed,
		domain.KindTooLarge, domain.KindUnsupportedType, domain.KindRateLimited, domain.KindUnavailable, domain.KindInternal}
	want := []int{400, 422, 404, 409, 412, 401, 403, 405, 413, 415, 429, 503, 500}
	for i, k := range kinds {
		if got := StatusOf(&domain.Error{Kind: k}); got != want[i] {
			t.Errorf("StatusOf(%s) = %d, want %d", k, got, want[i])
		}
	}
}
