// Package schedule reads the manifest's timetables and speaks each
// scheduler's dialect of cron. The manifest holds one canonical schedule per
// job: five standard fields (minute hour day-of-month month day-of-week)
// read in an IANA time zone. From it come the forms the deploy files need,
// and against it they are checked:
//
//   - Alibaba Function Compute: six fields with seconds and a CRON_TZ
//     prefix, "CRON_TZ=Asia/Shanghai 0 0 2 * * *".
//   - AWS SAM / EventBridge: "cron(0 2 * * ? *)", minute to year with "?" in
//     one day field. EventBridge rules have no time zone, so the expression
//     is meant for an AWS::Serverless::Function ScheduleV2 event (EventBridge
//     Scheduler), whose ScheduleExpressionTimezone carries the zone, and
//     whose Input (see SAMInput) dresses the firing as the "Scheduled Event"
//     the Lambda adapter reads.
//   - Knative PingSource: the five fields as they are, plus its timezone.
//
// Next gives the firing times for the local scheduler; ReadTick and
// ForEachTenant are what every job does with a tick. Day-of-week is
// numbered 0 (Sunday) to 6 in the canonical form and written as names
// (SUN-SAT) in the derived ones, where the dialects number days differently.
// A schedule may restrict day-of-month or day-of-week, not both: EventBridge
// cannot express both, and cron's rule for that case (either matches) is a
// classic surprise.
package schedule

import (
	"encoding/json"
	"errors"
	"fmt"
	"math/bits"
	"strings"
	"time"

	"github.com/robfig/cron/v3"
)

// Cron is a validated canonical schedule in its time zone.
type Cron struct {
	expr string
	zone string
	spec *cron.SpecSchedule
}

// The parsers of each dialect: five fields for the canonical and PingSource
// forms, six with seconds for Function Compute.
var (
	fiveFields = cron.NewParser(cron.Minute | cron.Hour | cron.Dom | cron.Month | cron.Dow)
	sixFields  = cron.NewParser(cron.Second | cron.Minute | cron.Hour | cron.Dom | cron.Month | cron.Dow)
)

// Parse validates a canonical schedule: five fields read in zone, an IANA
// time zone name ("UTC" included, "Local" and "" not). Fields take numbers,
// month and day names, "*", ranges, lists and steps; "?", descriptors such
// as @daily and a CRON_TZ prefix are not canonical.
func Parse(expr, zone string) (*Cron, error) {
	expr = strings.Join(strings.Fields(expr), " ")
	if strings.ContainsAny(expr, "?@=") {
		return nil, fmt.Errorf("schedule %q: use the five plain fields, without ?, descriptors or CRON_TZ", expr)
	}
	loc, err := loadZone(zone)
	if err != nil {
		return nil, fmt.Errorf("schedule %q: %w", expr, err)
	}
	spec, err := parseIn(fiveFields, expr, loc)
	if err != nil {
		return nil, fmt.Errorf("schedule %q: %w", expr, err)
	}
	if restricted(spec.Dom) && restricted(spec.Dow) {
		return nil, fmt.Errorf("schedule %q: restrict day-of-month or day-of-week, not both", expr)
	}
	return &Cron{expr: expr, zone: zone, spec: spec}, nil
}

func loadZone(zone string) (*time.Location, error) {
	if zone == "" || zone == "Local" {
		return nil, fmt.Errorf("time zone %q: name an IANA zone such as Asia/Shanghai or UTC", zone)
	}
	loc, err := time.LoadLocation(zone)
	if err != nil {
		return nil, fmt.Errorf("time zone %q: %w", zone, err)
	}
	return loc, nil
}

// parseIn parses expr with p, read in loc.
func parseIn(p cron.Parser, expr string, loc *time.Location) (*cron.SpecSchedule, error) {
	if expr == "" {
		return nil, errors.New("empty schedule")
	}
	s, err := p.Parse("CRON_TZ=" + loc.String() + " " + expr)
	if err != nil {
		return nil, err
	}
	return s.(*cron.SpecSchedule), nil
}

// String returns the canonical form with its zone, as the manifest has it.
func (c *Cron) String() string { return c.expr + " (" + c.zone + ")" }

// Expr returns the five canonical fields.
func (c *Cron) Expr() string { return c.expr }

// Zone returns the schedule's time zone.
func (c *Cron) Zone() string { return c.zone }

// Next returns the first firing strictly after after, in UTC. Wall-clock
// times a daylight-saving change skips do not fire that day.
func (c *Cron) Next(after time.Time) time.Time { return c.spec.Next(after).UTC() }

// Between returns the firings after from and up to until, at most max of
// them: what a scheduler that slept through them owes.
func (c *Cron) Between(from, until time.Time, max int) []time.Time {
	var due []time.Time
	for t := c.Next(from); !t.IsZero() && !t.After(until) && len(due) < max; t = c.Next(t) {
		due = append(due, t)
	}
	return due
}

// FC returns the Function Compute form: CRON_TZ, then six fields starting
// with seconds (always 0).
func (c *Cron) FC() string {
	s := c.spec
	dow := "*"
	if restricted(s.Dow) {
		dow = dayNames(s.Dow)
	}
	return fmt.Sprintf("CRON_TZ=%s 0 %s %s %s %s %s", c.zone,
		field(s.Minute, 0, 59), field(s.Hour, 0, 23), field(s.Dom, 1, 31), field(s.Month, 1, 12), dow)
}

// SAM is the schedule of an AWS::Serverless::Function ScheduleV2 event:
// Schedule and ScheduleExpressionTimezone.
type SAM struct {
	Expression string
	Timezone   string
}

// SAM returns the EventBridge Scheduler form: cron(minute hour
// day-of-month month day-of-week year), "?" in the day field left open.
func (c *Cron) SAM() SAM {
	s := c.spec
	dom, dow := field(s.Dom, 1, 31), "?"
	if restricted(s.Dow) {
		dom, dow = "?", dayNames(s.Dow)
	}
	return SAM{
		Expression: fmt.Sprintf("cron(%s %s %s %s %s *)", field(s.Minute, 0, 59), field(s.Hour, 0, 23), dom, field(s.Month, 1, 12), dow),
		Timezone:   c.zone,
	}
}

// SAMInput returns the Input of a ScheduleV2 event that delivers a firing
// as an EventBridge "Scheduled Event": EventBridge Scheduler fills in the
// scheduled time (kept on retries) and the schedule's ARN, whose last
// segment names the tick, and payload, a JSON object or "", becomes the
// detail.
func SAMInput(payload string) (string, error) {
	detail := json.RawMessage("{}")
	if strings.TrimSpace(payload) != "" {
		var obj map[string]json.RawMessage
		if err := json.Unmarshal([]byte(payload), &obj); err != nil {
			return "", fmt.Errorf("payload %q: a scheduled event's detail must be a JSON object: %w", payload, err)
		}
		detail = json.RawMessage(payload)
	}
	var b strings.Builder
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false) // the <aws.scheduler...> placeholders stay as they are
	err := enc.Encode(struct {
		DetailType string          `json:"detail-type"`
		Source     string          `json:"source"`
		Time       string          `json:"time"`
		Resources  []string        `json:"resources"`
		Detail     json.RawMessage `json:"detail"`
	}{"Scheduled Event", "aws.scheduler", "<aws.scheduler.scheduled-time>", []string{"<aws.scheduler.schedule-arn>"}, detail})
	return strings.TrimSpace(b.String()), err
}

// Ping is the schedule of a Knative PingSource: spec.schedule and
// spec.timezone.
type Ping struct {
	Schedule string
	Timezone string
}

// Ping returns the PingSource form: the canonical fields and zone.
func (c *Cron) Ping() Ping { return Ping{Schedule: c.expr, Timezone: c.zone} }

// starBit is how robfig/cron marks a field written as "*" (or "?").
const starBit = 1 << 63

// restricted reports whether a day field limits the days: not written as
// "*" (or "*/1").
func restricted(f uint64) bool { return f&starBit == 0 }

// field writes the values of f from min to max: "*" for all of them, else
// "first/step" for a step that runs to the end, else a list of values and
// ranges.
func field(f uint64, min, max uint) string {
	f &^= starBit
	all := uint64(1)<<(max+1) - uint64(1)<<min
	if f == all {
		return "*"
	}
	if s, ok := stepForm(f, max); ok {
		return s
	}
	return ranges(f, min, max, func(v uint) string { return fmt.Sprint(v) })
}

// stepForm returns "first/step" when f holds first, first+step, ... up to
// the last value not past max, with at least three values.
func stepForm(f uint64, max uint) (string, bool) {
	first := uint(bits.TrailingZeros64(f))
	if bits.OnesCount64(f) < 3 {
		return "", false
	}
	rest := f &^ (1 << first)
	step := uint(bits.TrailingZeros64(rest)) - first
	if step < 2 {
		return "", false // a run of values reads better as a range
	}
	var want uint64
	for v := first; v <= max; v += step {
		want |= 1 << v
	}
	if want != f {
		return "", false
	}
	return fmt.Sprintf("%d/%d", first, step), true
}

// ranges writes the values of f as a comma-separated list in which runs of
// three or more become ranges, each value named by name.
func ranges(f uint64, min, max uint, name func(uint) string) string {
	var parts []string
	for v := min; v <= max; v++ {
		if f&(1<<v) == 0 {
			continue
		}
		end := v
		for end+1 <= max && f&(1<<(end+1)) != 0 {
			end++
		}
		switch {
		case end-v >= 2:
			parts = append(parts, name(v)+"-"+name(end))
		case end > v:
			parts = append(parts, name(v), name(end))
		default:
			parts = append(parts, name(v))
		}
		v = end
	}
	return strings.Join(parts, ",")
}

var weekdays = [7]string{"SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"}

// dayNames writes a day-of-week field with day names.
func dayNames(f uint64) string {
	return ranges(f&^starBit, 0, 6, func(v uint) string { return weekdays[v] })
}
