package config

import (
	"strings"
	"testing"
	"time"
)

func TestServerTimeouts(t *testing.T) {
	tests := []struct {
		name         string
		env          map[string]string
		header, read time.Duration
		err          string
	}{
		{"defaults", nil, DefaultReadHeaderTimeout, DefaultReadTimeout, ""},
		{"set", map[string]string{"LOGIFN_READ_HEADER_TIMEOUT": "500ms", "LOGIFN_READ_TIMEOUT": "2s"}, 500 * time.Millisecond, 2 * time.Second, ""},
		{"not a duration", map[string]string{"LOGIFN_READ_TIMEOUT": "soon"}, 0, 0, "LOGIFN_READ_TIMEOUT"},
		{"negative", map[string]string{"LOGIFN_READ_HEADER_TIMEOUT": "-1s"}, 0, 0, "LOGIFN_READ_HEADER_TIMEOUT"},
		{"header longer than request", map[string]string{"LOGIFN_READ_HEADER_TIMEOUT": "5s", "LOGIFN_READ_TIMEOUT": "1s"}, 0, 0, "must not be longer"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			getenv := func(k string) string { return tt.env[k] }
			header, read, err := ServerTimeouts(getenv)
			if tt.err != "" {
				if err == nil || !strings.Contains(err.Error(), tt.err) {
					t.Fatalf("error %v, want one naming %s", err, tt.err)
				}
				if _, lerr := Load(withJWT(getenv), Function); lerr == nil || !strings.Contains(lerr.Error(), tt.err) {
					t.Errorf("Load: error %v, want one naming %s", lerr, tt.err)
				}
				return
			}
			if err != nil || header != tt.header || read != tt.read {
				t.Fatalf("got %s, %s, %v; want %s, %s", header, read, err, tt.header, tt.read)
			}
			c, err := Load(withJWT(getenv), Function)
			if err != nil || c.ReadHeaderTimeout != tt.header || c.ReadTimeout != tt.read {
				t.Errorf("Load: %s, %s, %v; want %s, %s", c.ReadHeaderTimeout, c.ReadTimeout, err, tt.header, tt.read)
			}
		})
	}
}

// withJWT adds a valid JWT secret to getenv, which Load requires.
func withJWT(getenv func(string) string) func(string) string {
	return func(k string) string {
		if k == "LOGIFN_JWT_SECRET" {
			return "server-test-secret-server-test-secret-0123"
		}
		return getenv(k)
	}
}
