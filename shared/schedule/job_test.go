package schedule_test

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/logifn/logifn/shared/domain"
	"github.com/logifn/logifn/shared/platform"
	"github.com/logifn/logifn/shared/schedule"
)

func TestReadTick(t *testing.T) {
	var p struct {
		Date string `json:"date"`
	}
	now := time.Date(2026, 3, 1, 18, 0, 0, 0, time.UTC)
	if err := schedule.ReadTick(platform.Tick{Time: now, Payload: ` {"date":"2026-03-01"} `}, &p); err != nil || p.Date != "2026-03-01" {
		t.Errorf("got %+v, %v", p, err)
	}
	if err := schedule.ReadTick(platform.Tick{Time: now}, &p); err != nil {
		t.Errorf("an empty payload: %v", err)
	}
	for name, tick := range map[string]platform.Tick{
		"no time":       {Name: "x", Payload: "{}"},
		"unknown field": {Time: now, Payload: `{"day":"2026-03-01"}`},
		"not an object": {Time: now, Payload: `"2026-03-01"`},
	} {
		if err := schedule.ReadTick(tick, &p); domain.KindOf(err) != domain.KindInvalid || platform.Retryable(err) {
			t.Errorf("%s: %v, want an invalid error, not retried", name, err)
		}
	}
}

type tenants []string

func (ts tenants) EachTenant(ctx context.Context, fn func(ctx context.Context, tenant string) error) error {
	for _, t := range ts {
		if err := fn(ctx, t); err != nil {
			return err
		}
	}
	return nil
}

func TestForEachTenant(t *testing.T) {
	broken := errors.New("broken data")
	down := domain.Errorf(domain.KindUnavailable, "database_unavailable", "down")
	run := func(fail map[string]error, only string) ([]string, error) {
		var seen []string
		err := schedule.ForEachTenant(context.Background(), tenants{"a", "b", "c"}, only, func(ctx context.Context, tenant string) error {
			seen = append(seen, tenant)
			return fail[tenant]
		})
		return seen, err
	}
	if seen, err := run(map[string]error{"b": broken}, ""); !slices.Equal(seen, []string{"a", "b", "c"}) || !errors.Is(err, broken) {
		t.Errorf("a failing tenant: saw %v, err %v; want all three and its error", seen, err)
	}
	if seen, err := run(map[string]error{"a": down}, ""); !slices.Equal(seen, []string{"a"}) || err != down {
		t.Errorf("an outage: saw %v, err %v; want a stop at the first", seen, err)
	}
	if seen, err := run(nil, "c"); !slices.Equal(seen, []string{"c"}) || err != nil {
		t.Errorf("one tenant: saw %v, err %v", seen, err)
	}
}
