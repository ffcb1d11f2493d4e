package main

import (
	"bytes"
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/logifn/logifn/shared/app"
	"github.com/logifn/logifn/shared/domain"
	"github.com/logifn/logifn/shared/logging"
	"github.com/logifn/logifn/shared/platform"
)

func TestTicksFireByHand(t *testing.T) {
	var logs bytes.Buffer
	log, _ := logging.New(&logs, "json", "info")
	now := time.Date(2026, 3, 2, 1, 0, 0, 0, time.UTC)
	tk := newTicks(log, func() time.Time { return now })
	var got []platform.Tick
	spec := app.Spec{Name: "daily-report", Schedules: []app.Schedule{{Name: "daily-report", Cron: "0 2 * * *", TimeZone: "Asia/Shanghai", Payload: "{}"}}}
	if err := tk.add(spec, func(ctx context.Context, tick platform.Tick) error {
		got = append(got, tick)
		if tick.Payload == "fail" {
			return domain.Errorf(domain.KindUnavailable, "unavailable", "the database is unavailable")
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	mux.Handle(TickPattern, tk.handler())
	post := func(name, body string) *httptest.ResponseRecorder {
		r := httptest.NewRequest("POST", "/_local/ticks/"+name, strings.NewReader(body))
		if body != "" {
			r.Header.Set("Content-Type", "application/json")
		}
		w := httptest.NewRecorder()
		mux.ServeHTTP(w, r)
		return w
	}
	if w := post("daily-report", ""); w.Code != http.StatusOK {
		t.Fatalf("fire: %d %s", w.Code, w.Body)
	}
	if w := post("daily-report", `{"time":"2026-03-01T18:00:00Z","payload":"{\"date\":\"2026-02-28\"}"}`); w.Code != http.StatusOK {
		t.Fatalf("fire with body: %d %s", w.Code, w.Body)
	}
	if len(got) != 2 || !got[0].Time.Equal(now) || got[0].Payload != "{}" || got[1].Payload != `{"date":"2026-02-28"}` ||
		!got[1].Time.Equal(time.Date(2026, 3, 1, 18, 0, 0, 0, time.UTC)) || got[1].Name != "daily-report" {
		t.Errorf("ticks = %+v", got)
	}
	if w := post("nope", ""); w.Code != http.StatusNotFound || !strings.Contains(w.Body.String(), "daily-report") {
		t.Errorf("unknown schedule: %d %s", w.Code, w.Body)
	}
	if w := post("daily-report", `{"payload":"fail"}`); w.Code != http.StatusServiceUnavailable {
		t.Errorf("failing tick: %d %s", w.Code, w.Body)
	}
	if !strings.Contains(logs.String(), `"tick":"daily-report"`) || !strings.Contains(logs.String(), "tick failed") {
		t.Errorf("log = %s", logs.String())
	}
}

func TestTicksRejectBadSchedules(t *testing.T) {
	tk := newTicks(nil, time.Now)
	spec := app.Spec{Name: "x", Schedules: []app.Schedule{{Name: "x", Cron: "61 * * * *", TimeZone: "UTC"}}}
	if err := tk.add(spec, func(context.Context, platform.Tick) error { return nil }); err == nil {
		t.Error("a minute of 61 was accepted")
	}
}

func TestTicksRunStopsWithContext(t *testing.T) {
	log, _ := logging.New(&bytes.Buffer{}, "json", "info")
	tk := newTicks(log, time.Now)
	spec := app.Spec{Name: "x", Schedules: []app.Schedule{{Name: "x", Cron: "0 2 * * *", TimeZone: "UTC"}}}
	if err := tk.add(spec, func(context.Context, platform.Tick) error { return nil }); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	tk.run(ctx)
	cancel()
	done := make(chan struct{})
	go func() { tk.wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("the scheduler did not stop")
	}
}
