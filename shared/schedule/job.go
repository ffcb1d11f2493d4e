package schedule

import (
	"bytes"
	"context"
	"encoding/json"
	"strings"

	"github.com/logifn/logifn/shared/domain"
	"github.com/logifn/logifn/shared/logging"
	"github.com/logifn/logifn/shared/platform"
	"github.com/logifn/logifn/shared/reqctx"
)

// ReadTick checks that t says when it fired and reads its payload, a JSON
// object, into v strictly: unknown fields are an error. An empty payload
// leaves v as it is. A tick without a time or with a bad payload is
// invalid, so the platform drops it rather than retry it.
func ReadTick(t platform.Tick, v any) error {
	if t.Time.IsZero() {
		return domain.Errorf(domain.KindInvalid, "tick_without_time", "the tick %q carries no time", t.Name)
	}
	if strings.TrimSpace(t.Payload) == "" {
		return nil
	}
	dec := json.NewDecoder(bytes.NewReader([]byte(t.Payload)))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return domain.Wrap(domain.KindInvalid, "invalid_payload", "the tick's payload is not the JSON object this job takes", err)
	}
	return nil
}

// Tenants is how a job finds the tenants to work for. EachTenant stops at
// the first error fn returns.
type Tenants interface {
	EachTenant(ctx context.Context, fn func(ctx context.Context, tenant string) error) error
}

// ForEachTenant runs fn for tenant only, or, when only is empty, for every
// tenant of ts. A tenant that fails is logged and the others go on; an
// unavailable database stops the run. It returns the first error, so that
// the platform asks for the tick again when it is worth it: jobs are keyed
// so that a second run changes nothing the first one did.
func ForEachTenant(ctx context.Context, ts Tenants, only string, fn func(ctx context.Context, tenant string) error) error {
	if only != "" {
		return fn(ctx, only)
	}
	var first error
	err := ts.EachTenant(ctx, func(ctx context.Context, tenant string) error {
		err := fn(ctx, tenant)
		if err == nil {
			return nil
		}
		if first == nil {
			first = err
		}
		if domain.IsKind(err, domain.KindUnavailable) {
			return err
		}
		reqctx.Logger(ctx).WithField(logging.FieldTenant, tenant).WithError(err).Warn("job failed for tenant")
		return nil
	})
	if first != nil {
		return first
	}
	return err
}
