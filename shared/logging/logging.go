// Package logging builds logifn's one logrus logger and names the fields
// every log line may carry.
package logging

import (
	"fmt"
	"io"
	"strings"

	"github.com/sirupsen/logrus"
)

// Field names used in every log line. Keep them snake_case and stable:
// dashboards and alerts search for them.
const (
	FieldRequestID  = "request_id"
	FieldTraceID    = "trace_id"
	FieldFunction   = "function"
	FieldPlatform   = "platform"
	FieldTenant     = "tenant"
	FieldSubject    = "subject"
	FieldRole       = "role"
	FieldWaybill    = "waybill"
	FieldStatus     = "status"
	FieldMethod     = "method"
	FieldPath       = "path"
	FieldRoute      = "route"
	FieldDurationMS = "duration_ms"
	FieldErrorKind  = "error_kind"
	FieldEvent      = "event"
	FieldObjectKey  = "object_key"
	FieldTick       = "tick"
)

// New returns a logger writing to out in format "json" (the default, for
// the cloud) or "text" (for a terminal), at level ("info" when empty).
func New(out io.Writer, format, level string) (*logrus.Logger, error) {
	l := logrus.New()
	l.SetOutput(out)
	switch strings.ToLower(format) {
	case "", "json":
		l.SetFormatter(newJSONFormatter())
	case "text":
		l.SetFormatter(&logrus.TextFormatter{FullTimestamp: true, TimestampFormat: "15:04:05.000"})
	default:
		return nil, fmt.Errorf("log format %q: want json or text", format)
	}
	if level == "" {
		level = "info"
	}
	lv, err := logrus.ParseLevel(level)
	if err != nil {
		return nil, fmt.Errorf("log level %q: %w", level, err)
	}
	l.SetLevel(lv)
	return l, nil
}
