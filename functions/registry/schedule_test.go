package registry_test

import (
	"testing"

	"github.com/logifn/logifn/functions/registry"
	"github.com/logifn/logifn/shared/app/apptest"
	"github.com/logifn/logifn/shared/schedule"
	"github.com/logifn/logifn/shared/store/storetest"
)

// TestSchedules: every schedule of the manifest is a valid canonical cron
// in an IANA zone with a unique name, and every function with a schedule
// has a tick handler.
func TestSchedules(t *testing.T) {
	deps := apptest.New(t, storetest.SQLite(t)).Deps
	names := map[string]string{}
	for _, spec := range registry.All() {
		for _, s := range spec.Schedules {
			c, err := schedule.Parse(s.Cron, s.TimeZone)
			if err != nil {
				t.Errorf("%s: %v", spec.Name, err)
				continue
			}
			if other, dup := names[s.Name]; dup {
				t.Errorf("schedule %s of %s is also a schedule of %s", s.Name, spec.Name, other)
			}
			names[s.Name] = spec.Name
			if s.Payload != "" {
				if _, err := schedule.SAMInput(s.Payload); err != nil {
					t.Errorf("%s: %v", spec.Name, err)
				}
			}
			t.Logf("%-13s %-22s FC %-42q SAM %q in %s", spec.Name, c, c.FC(), c.SAM().Expression, c.SAM().Timezone)
		}
		h, err := spec.New(deps)
		if err != nil {
			t.Fatalf("build %s: %v", spec.Name, err)
		}
		if h.Tick == nil && len(spec.Schedules) > 0 {
			t.Errorf("%s has %d schedules but no tick handler", spec.Name, len(spec.Schedules))
		}
	}
	if len(names) == 0 {
		t.Error("the manifest has no schedules")
	}
}
