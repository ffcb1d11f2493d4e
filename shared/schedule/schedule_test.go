package schedule_test

import (
	"strings"
	"testing"
	"time"

	"github.com/logifn/logifn/shared/schedule"
)

func mustParse(t *testing.T, expr, zone string) *schedule.Cron {
	t.Helper()
	c, err := schedule.Parse(expr, zone)
	if err != nil {
		t.Fatalf("Parse(%q, %q): %v", expr, zone, err)
	}
	return c
}

func TestDerivedForms(t *testing.T) {
	tests := []struct {
		expr, zone string
		fc, sam    string
	}{
		{"0 2 * * *", "Asia/Shanghai", "CRON_TZ=Asia/Shanghai 0 0 2 * * *", "cron(0 2 * * ? *)"},
		{"15 * * * *", "UTC", "CRON_TZ=UTC 0 15 * * * *", "cron(15 * * * ? *)"},
		{"*/15 * * * *", "UTC", "CRON_TZ=UTC 0 0/15 * * * *", "cron(0/15 * * * ? *)"},
		{"0 */6 * * *", "Europe/Berlin", "CRON_TZ=Europe/Berlin 0 0 0/6 * * *", "cron(0 0/6 * * ? *)"},
		{"30 8 * * 1-5", "Asia/Shanghai", "CRON_TZ=Asia/Shanghai 0 30 8 * * MON-FRI", "cron(30 8 ? * MON-FRI *)"},
		{"0 9 * * 0,6", "UTC", "CRON_TZ=UTC 0 0 9 * * SUN,SAT", "cron(0 9 ? * SUN,SAT *)"},
		{"0 9 * * sun", "UTC", "CRON_TZ=UTC 0 0 9 * * SUN", "cron(0 9 ? * SUN *)"},
		{"0 0 1 * *", "Asia/Shanghai", "CRON_TZ=Asia/Shanghai 0 0 0 1 * *", "cron(0 0 1 * ? *)"},
		{"0 0 1,15 1-3 *", "UTC", "CRON_TZ=UTC 0 0 0 1,15 1-3 *", "cron(0 0 1,15 1-3 ? *)"},
		{"5,10,15 0 * * *", "UTC", "CRON_TZ=UTC 0 5,10,15 0 * * *", "cron(5,10,15 0 * * ? *)"},
		{"30-59 0 * * *", "UTC", "CRON_TZ=UTC 0 30-59 0 * * *", "cron(30-59 0 * * ? *)"},
		{"0  3\t* * *", "UTC", "CRON_TZ=UTC 0 0 3 * * *", "cron(0 3 * * ? *)"},
	}
	for _, tt := range tests {
		t.Run(tt.expr+" "+tt.zone, func(t *testing.T) {
			c := mustParse(t, tt.expr, tt.zone)
			if got := c.FC(); got != tt.fc {
				t.Errorf("FC() = %q, want %q", got, tt.fc)
			}
			if got := c.SAM(); got.Expression != tt.sam || got.Timezone != tt.zone {
				t.Errorf("SAM() = %+v, want %q in %s", got, tt.sam, tt.zone)
			}
			if got := c.Ping(); got.Schedule != strings.Join(strings.Fields(tt.expr), " ") || got.Timezone != tt.zone {
				t.Errorf("Ping() = %+v", got)
			}
			// Every derived form must pass its own check.
			if err := c.CheckFC(c.FC()); err != nil {
				t.Errorf("CheckFC(FC()): %v", err)
			}
			if err := c.CheckSAM(c.SAM().Expression, c.SAM().Timezone); err != nil {
				t.Errorf("CheckSAM(SAM()): %v", err)
			}
			if err := c.CheckPing(c.Ping().Schedule, c.Ping().Timezone); err != nil {
				t.Errorf("CheckPing(Ping()): %v", err)
			}
		})
	}
}

func TestParseRejects(t *testing.T) {
	tests := []struct{ name, expr, zone, want string }{
		{"six fields", "0 0 2 * * *", "UTC", "expected exactly 5 fields"},
		{"four fields", "0 2 * *", "UTC", "expected exactly 5 fields"},
		{"question mark", "0 2 * * ?", "UTC", "without ?"},
		{"descriptor", "@daily", "UTC", "descriptors"},
		{"CRON_TZ in the fields", "CRON_TZ=UTC 0 2 * * *", "UTC", "CRON_TZ"},
		{"both day fields", "0 2 1 * 1", "UTC", "not both"},
		{"minute out of range", "60 2 * * *", "UTC", "above maximum"},
		{"day-of-week 7", "0 2 * * 7", "UTC", "above maximum"},
		{"no zone", "0 2 * * *", "", "IANA"},
		{"Local", "0 2 * * *", "Local", "IANA"},
		{"unknown zone", "0 2 * * *", "Mars/Olympus", "Mars/Olympus"},
		{"empty", "", "UTC", "empty"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := schedule.Parse(tt.expr, tt.zone)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("Parse(%q, %q) = %v, want an error containing %q", tt.expr, tt.zone, err, tt.want)
			}
		})
	}
}

func TestChecksAcceptEquivalentSpellings(t *testing.T) {
	c := mustParse(t, "*/15 8-18 * * 1-5", "Asia/Shanghai")
	if err := c.CheckFC("CRON_TZ=Asia/Shanghai 0 */15 8-18 ? * mon-fri"); err != nil {
		t.Errorf("FC: %v", err)
	}
	if err := c.CheckSAM("cron(0,15,30,45 8-18 ? * MON,TUE,WED,THU,FRI *)", "Asia/Shanghai"); err != nil {
		t.Errorf("SAM: %v", err)
	}
	if err := c.CheckPing("CRON_TZ=Asia/Shanghai */15 8-18 * * 1-5", ""); err != nil {
		t.Errorf("Ping with CRON_TZ: %v", err)
	}
	utc := mustParse(t, "0 18 * * *", "UTC")
	if err := utc.CheckFC("0 0 18 * * *"); err != nil {
		t.Errorf("FC without CRON_TZ is UTC: %v", err)
	}
	if err := utc.CheckSAM("cron(0 18 * * ? *)", ""); err != nil {
		t.Errorf("SAM without a time zone is UTC: %v", err)
	}
	if err := utc.CheckPing("0 18 * * *", ""); err != nil {
		t.Errorf("Ping without a time zone is UTC: %v", err)
	}
}

func TestChecksCatchDrift(t *testing.T) {
	c := mustParse(t, "0 2 * * *", "Asia/Shanghai")
	tests := []struct {
		name string
		err  error
		want string
	}{
		{"FC another hour", c.CheckFC("CRON_TZ=Asia/Shanghai 0 0 3 * * *"), "hour differs"},
		{"FC another zone", c.CheckFC("CRON_TZ=UTC 0 0 2 * * *"), "time zone differs"},
		{"FC no zone", c.CheckFC("0 0 2 * * *"), "time zone differs"},
		{"FC seconds", c.CheckFC("CRON_TZ=Asia/Shanghai 30 0 2 * * *"), "second 0"},
		{"FC five fields", c.CheckFC("CRON_TZ=Asia/Shanghai 0 2 * * *"), "expected exactly 6 fields"},
		{"FC weekdays only", c.CheckFC("CRON_TZ=Asia/Shanghai 0 0 2 * * MON-FRI"), "day-of-week differs"},
		{"SAM in UTC", c.CheckSAM("cron(0 2 * * ? *)", ""), "time zone differs"},
		{"SAM converted to UTC", c.CheckSAM("cron(0 18 * * ? *)", "UTC"), "time zone differs"},
		{"SAM another minute", c.CheckSAM("cron(5 2 * * ? *)", "Asia/Shanghai"), "minute differs"},
		{"SAM numbered weekday", c.CheckSAM("cron(0 2 ? * 2 *)", "Asia/Shanghai"), "names"},
		{"SAM two question marks", c.CheckSAM("cron(0 2 ? * ? *)", "Asia/Shanghai"), "exactly one"},
		{"SAM no question mark", c.CheckSAM("cron(0 2 * * * *)", "Asia/Shanghai"), "exactly one"},
		{"SAM a year", c.CheckSAM("cron(0 2 * * ? 2026)", "Asia/Shanghai"), "year"},
		{"SAM last day", c.CheckSAM("cron(0 2 L * ? *)", "Asia/Shanghai"), "L, W"},
		{"SAM rate", c.CheckSAM("rate(1 day)", "Asia/Shanghai"), "not cron"},
		{"Ping another month", c.CheckPing("0 2 * 1 *", "Asia/Shanghai"), "month differs"},
		{"Ping first of month", c.CheckPing("0 2 1 * *", "Asia/Shanghai"), "day-of-month differs"},
		{"Ping zone twice", c.CheckPing("CRON_TZ=Asia/Shanghai 0 2 * * *", "Asia/Shanghai"), "twice"},
		{"Ping unknown zone", c.CheckPing("0 2 * * *", "Asia/Nowhere"), "Asia/Nowhere"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.err == nil || !strings.Contains(tt.err.Error(), tt.want) {
				t.Errorf("got %v, want an error containing %q", tt.err, tt.want)
			}
		})
	}
}

func TestNext(t *testing.T) {
	tests := []struct {
		expr, zone string
		after      string
		want       []string
	}{
		{"0 2 * * *", "Asia/Shanghai", "2026-03-01T17:59:59Z",
			[]string{"2026-03-01T18:00:00Z", "2026-03-02T18:00:00Z"}},
		{"0 2 * * *", "Asia/Shanghai", "2026-03-01T18:00:00Z", // strictly after
			[]string{"2026-03-02T18:00:00Z"}},
		{"0 2 * * *", "Europe/Berlin", "2026-03-27T12:00:00Z", // 29 March: clocks skip 02:00-03:00
			[]string{"2026-03-28T01:00:00Z", "2026-03-30T00:00:00Z"}},
		{"30 0 * * *", "Europe/Berlin", "2026-10-24T12:00:00Z", // summer time ends on 25 October
			[]string{"2026-10-24T22:30:00Z", "2026-10-25T23:30:00Z"}},
		{"*/20 * * * *", "UTC", "2026-01-01T00:05:00Z",
			[]string{"2026-01-01T00:20:00Z", "2026-01-01T00:40:00Z", "2026-01-01T01:00:00Z"}},
		{"0 9 * * 1", "UTC", "2026-01-01T00:00:00Z", // 1 January 2026 is a Thursday
			[]string{"2026-01-05T09:00:00Z", "2026-01-12T09:00:00Z"}},
	}
	for _, tt := range tests {
		t.Run(tt.expr+" "+tt.zone+" after "+tt.after, func(t *testing.T) {
			c := mustParse(t, tt.expr, tt.zone)
			at, _ := time.Parse(time.RFC3339, tt.after)
			for _, w := range tt.want {
				at = c.Next(at)
				if got := at.Format(time.RFC3339); got != w || at.Location() != time.UTC {
					t.Fatalf("Next = %s (%v), want %s in UTC", got, at.Location(), w)
				}
			}
		})
	}
}

func TestBetween(t *testing.T) {
	c := mustParse(t, "0 * * * *", "UTC")
	from := time.Date(2026, 1, 1, 0, 30, 0, 0, time.UTC)
	got := c.Between(from, from.Add(3*time.Hour), 10)
	if len(got) != 3 || !got[0].Equal(time.Date(2026, 1, 1, 1, 0, 0, 0, time.UTC)) || !got[2].Equal(time.Date(2026, 1, 1, 3, 0, 0, 0, time.UTC)) {
		t.Errorf("Between = %v, want 01:00, 02:00, 03:00", got)
	}
	if got := c.Between(from, from.Add(100*time.Hour), 5); len(got) != 5 {
		t.Errorf("Between capped at 5 gave %d", len(got))
	}
	if got := c.Between(from, from.Add(time.Minute), 5); len(got) != 0 {
		t.Errorf("Between with nothing due = %v", got)
	}
}

func TestSAMInput(t *testing.T) {
	got, err := schedule.SAMInput(`{"date": "2026-03-01"}`)
	want := `{"detail-type":"Scheduled Event","source":"aws.scheduler","time":"<aws.scheduler.scheduled-time>",` +
		`"resources":["<aws.scheduler.schedule-arn>"],"detail":{"date":"2026-03-01"}}`
	if err != nil || got != want {
		t.Errorf("SAMInput = %s (%v)\nwant %s", got, err, want)
	}
	if got, _ := schedule.SAMInput(""); !strings.HasSuffix(got, `"detail":{}}`) {
		t.Errorf("SAMInput of no payload = %s, want an empty detail", got)
	}
	if _, err := schedule.SAMInput(`"text"`); err == nil {
		t.Error("a payload that is not an object was accepted")
	}
}
