package config

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Defaults of the webhook settings.
const (
	DefaultWebhookTimeout     = 10 * time.Second
	DefaultWebhookMaxFailures = 10
)

// loadWebhook reads the webhook settings into c. Private targets are
// allowed by default in local mode only, where receivers on the same
// machine are the point.
func loadWebhook(getenv func(string) string, mode Mode, c *Config, errs *[]string) {
	c.WebhookAllowPrivate = mode == Local
	if v := strings.TrimSpace(getenv("LOGIFN_WEBHOOK_ALLOW_PRIVATE")); v != "" {
		b, err := strconv.ParseBool(v)
		if err != nil {
			*errs = append(*errs, fmt.Sprintf("LOGIFN_WEBHOOK_ALLOW_PRIVATE=%q: want true or false", v))
		}
		c.WebhookAllowPrivate = b
	}
	c.WebhookTimeout = DefaultWebhookTimeout
	durVar(getenv, "LOGIFN_WEBHOOK_TIMEOUT", &c.WebhookTimeout, errs)
	if c.WebhookTimeout > time.Minute {
		*errs = append(*errs, "LOGIFN_WEBHOOK_TIMEOUT: want at most 1m")
	}
	c.WebhookMaxFailures = DefaultWebhookMaxFailures
	intVar(getenv, "LOGIFN_WEBHOOK_MAX_FAILURES", &c.WebhookMaxFailures, 1, 1000, errs)
}
