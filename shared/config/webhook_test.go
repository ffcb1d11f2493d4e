package config

import (
	"strings"
	"testing"
	"time"
)

func TestWebhookSettings(t *testing.T) {
	fn, err := Load(env(map[string]string{"LOGIFN_JWT_SECRET": secret}), Function)
	if err != nil {
		t.Fatal(err)
	}
	if fn.WebhookAllowPrivate || fn.WebhookTimeout != 10*time.Second || fn.WebhookMaxFailures != 10 {
		t.Errorf("function defaults: private %v, timeout %s, max failures %d", fn.WebhookAllowPrivate, fn.WebhookTimeout, fn.WebhookMaxFailures)
	}
	local, err := Load(env(nil), Local)
	if err != nil {
		t.Fatal(err)
	}
	if !local.WebhookAllowPrivate {
		t.Error("local mode does not allow private webhook targets")
	}
	set, err := Load(env(map[string]string{"LOGIFN_JWT_SECRET": secret, "LOGIFN_WEBHOOK_ALLOW_PRIVATE": "true",
		"LOGIFN_WEBHOOK_TIMEOUT": "3s", "LOGIFN_WEBHOOK_MAX_FAILURES": "4"}), Function)
	if err != nil {
		t.Fatal(err)
	}
	if !set.WebhookAllowPrivate || set.WebhookTimeout != 3*time.Second || set.WebhookMaxFailures != 4 {
		t.Errorf("set: %+v", set)
	}
	for name, v := range map[string]string{"LOGIFN_WEBHOOK_ALLOW_PRIVATE": "sometimes", "LOGIFN_WEBHOOK_TIMEOUT": "2m",
		"LOGIFN_WEBHOOK_MAX_FAILURES": "0"} {
		_, err := Load(env(map[string]string{"LOGIFN_JWT_SECRET": secret, name: v}), Function)
		if err == nil || !strings.Contains(err.Error(), name) {
			t.Errorf("%s=%s: err = %v, want one naming it", name, v, err)
		}
	}
}
