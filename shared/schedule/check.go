package schedule

import (
	"errors"
	"fmt"
	"strings"

	"github.com/robfig/cron/v3"
)

// CheckFC reports whether a Function Compute cron expression fires when c
// does. Without a CRON_TZ prefix, Function Compute reads it in UTC.
func (c *Cron) CheckFC(expr string) error {
	zone, fields := "UTC", strings.Join(strings.Fields(expr), " ")
	if rest, ok := strings.CutPrefix(fields, "CRON_TZ="); ok {
		zone, fields, _ = strings.Cut(rest, " ")
	}
	got, err := parseDialect(sixFields, fields, zone)
	if err != nil {
		return c.mismatch("Function Compute", expr, c.FC(), err)
	}
	if got.Second&^starBit != 1 {
		return c.mismatch("Function Compute", expr, c.FC(), errors.New("it must fire at second 0 only"))
	}
	return c.compare("Function Compute", expr, c.FC(), got)
}

// CheckSAM reports whether an EventBridge Scheduler expression, cron(...)
// with its ScheduleExpressionTimezone (empty means UTC), fires when c does.
// Day-of-week must be written with names: EventBridge numbers days from 1
// (Sunday), cron from 0, and a number would be read two ways.
func (c *Cron) CheckSAM(expression, timezone string) error {
	want := c.SAM().Expression
	fields, err := samFields(expression)
	if err != nil {
		return c.mismatch("EventBridge", expression, want, err)
	}
	if timezone == "" {
		timezone = "UTC"
	}
	got, err := parseDialect(fiveFields, fields, timezone)
	if err != nil {
		return c.mismatch("EventBridge", expression, want, err)
	}
	return c.compare("EventBridge", expression+" in "+timezone, want, got)
}

// samFields turns cron(m h dom mon dow year) into five standard fields.
func samFields(expression string) (string, error) {
	inner, isCron := strings.CutPrefix(strings.TrimSpace(expression), "cron(")
	inner, closed := strings.CutSuffix(inner, ")")
	if !isCron || !closed {
		return "", errors.New("it is not cron(...)")
	}
	f := strings.Fields(inner)
	switch {
	case len(f) != 6:
		return "", fmt.Errorf("it has %d fields, want 6 (minute hour day-of-month month day-of-week year)", len(f))
	case f[5] != "*":
		return "", errors.New("the year must be *")
	case (f[2] == "?") == (f[4] == "?"):
		return "", errors.New("exactly one of day-of-month and day-of-week must be ?")
	case strings.ContainsAny(f[2], "LW") || strings.Contains(inner, "#"):
		return "", errors.New("L, W and # have no canonical equivalent")
	case strings.ContainsAny(f[4], "0123456789"):
		return "", errors.New("write day-of-week with names (SUN-SAT): EventBridge numbers days from 1")
	}
	return strings.Join(f[:5], " "), nil
}

// CheckPing reports whether a PingSource's schedule and timezone (empty
// means UTC, unless the schedule starts with CRON_TZ) fire when c does.
func (c *Cron) CheckPing(schedule, timezone string) error {
	want := c.Ping().Schedule + " in " + c.zone
	fields := strings.Join(strings.Fields(schedule), " ")
	if rest, ok := strings.CutPrefix(fields, "CRON_TZ="); ok {
		if timezone != "" {
			return c.mismatch("PingSource", schedule, want, errors.New("it names a time zone twice"))
		}
		timezone, fields, _ = strings.Cut(rest, " ")
	}
	if timezone == "" {
		timezone = "UTC"
	}
	got, err := parseDialect(fiveFields, fields, timezone)
	if err != nil {
		return c.mismatch("PingSource", schedule, want, err)
	}
	return c.compare("PingSource", schedule+" in "+timezone, want, got)
}

func parseDialect(p cron.Parser, fields, zone string) (*cron.SpecSchedule, error) {
	loc, err := loadZone(zone)
	if err != nil {
		return nil, err
	}
	return parseIn(p, fields, loc)
}

// compare reports the first way got fires differently from c.
func (c *Cron) compare(dialect, expr, want string, got *cron.SpecSchedule) error {
	s := c.spec
	diffs := []struct {
		name string
		same bool
	}{
		{"time zone", got.Location.String() == s.Location.String()},
		{"minute", got.Minute&^starBit == s.Minute&^starBit},
		{"hour", got.Hour&^starBit == s.Hour&^starBit},
		{"day-of-month", sameDays(got.Dom, s.Dom)},
		{"month", got.Month&^starBit == s.Month&^starBit},
		{"day-of-week", sameDays(got.Dow, s.Dow)},
	}
	for _, d := range diffs {
		if !d.same {
			return c.mismatch(dialect, expr, want, fmt.Errorf("its %s differs", d.name))
		}
	}
	return nil
}

// sameDays compares day fields, which also differ by being restricted or
// not: cron ORs two restricted day fields.
func sameDays(a, b uint64) bool {
	return restricted(a) == restricted(b) && a&^starBit == b&^starBit
}

func (c *Cron) mismatch(dialect, expr, want string, why error) error {
	return fmt.Errorf("%s schedule %q does not match the manifest's %s (want %s): %w", dialect, expr, c, want, why)
}
