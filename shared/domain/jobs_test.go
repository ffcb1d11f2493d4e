package domain

import (
	"testing"
	"time"
)

func TestStaleWindow(t *testing.T) {
	rule := StaleRule{Name: "stale_in_transit", Status: StatusInTransit, After: 24 * time.Hour}
	last := time.Date(2026, 3, 1, 10, 0, 0, 0, time.UTC)
	tests := []struct {
		silent time.Duration
		ok     bool
		start  time.Duration // after last
	}{
		{23*time.Hour + 59*time.Minute, false, 0},
		{24 * time.Hour, true, 24 * time.Hour},
		{30 * time.Hour, true, 24 * time.Hour},
		{47*time.Hour + 59*time.Minute, true, 24 * time.Hour}, // a late sweep, the same window
		{48 * time.Hour, true, 48 * time.Hour},
		{100 * time.Hour, true, 96 * time.Hour},
	}
	for _, tt := range tests {
		start, ok := rule.Window(last, last.Add(tt.silent))
		if ok != tt.ok || (ok && !start.Equal(last.Add(tt.start))) {
			t.Errorf("after %s silent: got %s %v, want %s %v", tt.silent, start, ok, last.Add(tt.start), tt.ok)
		}
	}
	if _, ok := (StaleRule{}).Window(last, last.Add(time.Hour)); ok {
		t.Error("a rule without a limit found a window")
	}
}

func TestJobSettingsRules(t *testing.T) {
	s := DefaultJobSettings()
	if err := s.Validate(); err != nil {
		t.Fatalf("defaults invalid: %v", err)
	}
	rules := s.StaleRules()
	if len(rules) != 4 || rules[1].Name != "stale_in_transit" || rules[1].After != 24*time.Hour || rules[2].After != 12*time.Hour {
		t.Errorf("rules = %+v", rules)
	}
	s.StalePickedUpHours, s.StaleDeliveryFailedHours = 0, 0
	if got := s.StaleRules(); len(got) != 2 || got[0].Status != StatusInTransit || got[1].Status != StatusOutForDelivery {
		t.Errorf("with two rules off: %+v", got)
	}
	if s.Promise(ServiceExpress) != 24*time.Hour || s.Promise(ServiceStandard) != 72*time.Hour || s.AutoReceiptAfter() != 7*24*time.Hour {
		t.Errorf("promises %s %s, auto receipt %s", s.Promise(ServiceExpress), s.Promise(ServiceStandard), s.AutoReceiptAfter())
	}
	s.AutoReceiptDays, s.StandardPromiseHours = -1, 0
	if err := s.Validate(); err == nil {
		t.Error("negative auto receipt days and a zero promise passed")
	}
}
