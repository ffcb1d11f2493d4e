package config

import (
	"fmt"
	"os"
	"reflect"
	"strings"
	"testing"
	"time"
)

func env(m map[string]string) func(string) string {
	return func(k string) string { return m[k] }
}

const secret = "0123456789abcdef0123456789abcdef"

func TestDefaults(t *testing.T) {
	c, err := Load(env(map[string]string{"LOGIFN_JWT_SECRET": secret}), Function)
	if err != nil {
		t.Fatal(err)
	}
	if c.DBDriver != "sqlite" || string(c.DBDSN) != "data/logifn.db" || c.DBMaxOpenConns != 4 || c.MaxBodyBytes != 1<<20 ||
		c.LogFormat != "json" || c.RequestTimeout != 10*time.Second || c.DBConnMaxIdleTime != time.Minute {
		t.Errorf("defaults = %+v", c)
	}
	local, err := Load(env(nil), Local)
	if err != nil {
		t.Fatal(err)
	}
	if local.JWTSecret != LocalJWTSecret || local.LogFormat != "text" {
		t.Errorf("local defaults: secret set %v, format %s", local.JWTSecret == LocalJWTSecret, local.LogFormat)
	}
}

func TestFunctionModeNeedsSecret(t *testing.T) {
	if _, err := Load(env(nil), Function); err == nil || !strings.Contains(err.Error(), "LOGIFN_JWT_SECRET") {
		t.Errorf("err = %v, want LOGIFN_JWT_SECRET required", err)
	}
}

func TestRejectsBadValues(t *testing.T) {
	tests := map[string]string{
		"LOGIFN_DB_DRIVER":         "postgres",
		"LOGIFN_DB_MAX_OPEN_CONNS": "0",
		"LOGIFN_MAX_BODY_BYTES":    "lots",
		"LOGIFN_REQUEST_TIMEOUT":   "-1s",
		"LOGIFN_JWT_SECRET":        "short",
	}
	for name, v := range tests {
		m := map[string]string{"LOGIFN_JWT_SECRET": secret, name: v}
		if _, err := Load(env(m), Function); err == nil || !strings.Contains(err.Error(), name) {
			t.Errorf("%s=%s: err = %v, want one naming it", name, v, err)
		}
	}
	m := map[string]string{"LOGIFN_JWT_SECRET": secret, "LOGIFN_DB_DRIVER": "mysql"}
	if _, err := Load(env(m), Function); err == nil || !strings.Contains(err.Error(), "LOGIFN_DB_DSN") {
		t.Errorf("mysql without DSN: err = %v", err)
	}
}

func TestSecretsNeverPrint(t *testing.T) {
	m := map[string]string{"LOGIFN_JWT_SECRET": secret, "LOGIFN_DB_DRIVER": "mysql", "LOGIFN_DB_DSN": "app:hunter2-pw@tcp(db:3306)/logifn"}
	c, err := Load(env(m), Function)
	if err != nil {
		t.Fatal(err)
	}
	for _, out := range []string{fmt.Sprint(c), fmt.Sprintf("%+v", c), fmt.Sprintf("%#v", c), c.RedactedDSN()} {
		if strings.Contains(out, "hunter2") || strings.Contains(out, secret) {
			t.Errorf("secret printed: %s", out)
		}
	}
	if !strings.Contains(c.RedactedDSN(), "db:3306") {
		t.Errorf("RedactedDSN = %s, want the host kept", c.RedactedDSN())
	}
}

// TestREADMEListsEveryVariable keeps the configuration table honest.
func TestREADMEListsEveryVariable(t *testing.T) {
	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	typ := reflect.TypeOf(Config{})
	for i := 0; i < typ.NumField(); i++ {
		name := typ.Field(i).Tag.Get("env")
		if name == "" {
			t.Errorf("field %s has no env tag", typ.Field(i).Name)
			continue
		}
		if !strings.Contains(string(readme), "| `"+name+"` |") {
			t.Errorf("README's configuration table lacks %s", name)
		}
	}
}

// TestIdleConnectionsFollowOpen: unless set, an instance keeps as many idle
// connections as it may open, so that a busy pool does not reconnect.
func TestIdleConnectionsFollowOpen(t *testing.T) {
	for _, tt := range []struct {
		vars map[string]string
		want int
	}{
		{map[string]string{}, 4},
		{map[string]string{"LOGIFN_DB_MAX_OPEN_CONNS": "9"}, 9},
		{map[string]string{"LOGIFN_DB_MAX_OPEN_CONNS": "9", "LOGIFN_DB_MAX_IDLE_CONNS": "1"}, 1},
	} {
		tt.vars["LOGIFN_JWT_SECRET"] = secret
		c, err := Load(env(tt.vars), Function)
		if err != nil {
			t.Fatal(err)
		}
		if c.DBMaxIdleConns != tt.want {
			t.Errorf("%v: idle connections %d, want %d", tt.vars, c.DBMaxIdleConns, tt.want)
		}
	}
}
