package platform

import (
	"errors"
	"fmt"
	"testing"

	"github.com/logifn/logifn/shared/domain"
)

func TestDetect(t *testing.T) {
	tests := []struct {
		name string
		env  map[string]string
		want Kind
	}{
		{"nothing", nil, KindHTTP},
		{"lambda", map[string]string{"AWS_LAMBDA_RUNTIME_API": "127.0.0.1:9001"}, KindLambda},
		{"knative", map[string]string{"K_SERVICE": "waybill-image", "PORT": "8080"}, KindKnative},
		{"fc custom listen port", map[string]string{"FC_CUSTOM_LISTEN_PORT": "9000"}, KindFC},
		{"fc server port", map[string]string{"FC_SERVER_PORT": "9000"}, KindFC},
		{"fc function name", map[string]string{"FC_FUNCTION_NAME": "waybill-image"}, KindFC},
		{"lambda wins over knative", map[string]string{"AWS_LAMBDA_RUNTIME_API": "x", "K_SERVICE": "y"}, KindLambda},
		{"knative wins over fc", map[string]string{"K_SERVICE": "y", "FC_FUNCTION_NAME": "z"}, KindKnative},
		{"plain port is http", map[string]string{"PORT": "8080"}, KindHTTP},
		{"empty values do not count", map[string]string{"AWS_LAMBDA_RUNTIME_API": "", "K_SERVICE": ""}, KindHTTP},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Detect(func(k string) string { return tt.env[k] }); got != tt.want {
				t.Errorf("Detect = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestListenAddr(t *testing.T) {
	tests := []struct {
		kind Kind
		env  map[string]string
		want string
	}{
		{KindFC, map[string]string{"FC_CUSTOM_LISTEN_PORT": "9100", "FC_SERVER_PORT": "9200"}, "0.0.0.0:9100"},
		{KindFC, map[string]string{"FC_SERVER_PORT": "9200"}, "0.0.0.0:9200"},
		{KindFC, nil, "0.0.0.0:9000"},
		{KindKnative, map[string]string{"PORT": "8081"}, "0.0.0.0:8081"},
		{KindKnative, nil, "0.0.0.0:8080"},
		{KindHTTP, map[string]string{"LOGIFN_ADDR": "127.0.0.1:7000", "PORT": "8081"}, "127.0.0.1:7000"},
		{KindHTTP, map[string]string{"PORT": "8081"}, "0.0.0.0:8081"},
		{KindHTTP, nil, "127.0.0.1:8080"},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("%s %v", tt.kind, tt.env), func(t *testing.T) {
			if got := listenAddr(tt.kind, func(k string) string { return tt.env[k] }); got != tt.want {
				t.Errorf("listenAddr = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestRetryable(t *testing.T) {
	tests := []struct {
		err  error
		want bool
	}{
		{nil, false},
		{domain.Errorf(domain.KindUnavailable, "db_down", "database down"), true},
		{domain.Errorf(domain.KindInternal, "bug", "bug"), true},
		{domain.Errorf(domain.KindRateLimited, "slow_down", "slow down"), true},
		{errors.New("connection reset"), true},
		{fmt.Errorf("process scan: %w", domain.Errorf(domain.KindUnavailable, "db_down", "down")), true},
		{domain.Errorf(domain.KindInvalid, "bad_csv", "bad csv"), false},
		{domain.Errorf(domain.KindUnprocessable, "bad_row", "bad row"), false},
		{domain.Errorf(domain.KindNotFound, "no_waybill", "no such waybill"), false},
		{domain.Errorf(domain.KindConflict, "delivered", "already delivered"), false},
		{domain.Errorf(domain.KindPrecondition, "stale", "stale"), false},
		{domain.Errorf(domain.KindUnauthorized, "no_token", "no token"), false},
		{domain.Errorf(domain.KindForbidden, "role", "role"), false},
		{domain.Errorf(domain.KindTooLarge, "big", "big"), false},
		{domain.Errorf(domain.KindUnsupportedType, "type", "type"), false},
		{fmt.Errorf("image: %w", domain.Errorf(domain.KindInvalid, "bad_image", "not an image")), false},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprint(tt.err), func(t *testing.T) {
			if got := Retryable(tt.err); got != tt.want {
				t.Errorf("Retryable(%v) = %v, want %v", tt.err, got, tt.want)
			}
		})
	}
}
