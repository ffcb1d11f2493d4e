// Package scheduletest replays a job's tick fixtures, one per scheduler,
// through the platform's own decoders, as the function would receive them
// on Function Compute, Lambda and Knative.
package scheduletest

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/aws/aws-lambda-go/events"
	ceevent "github.com/cloudevents/sdk-go/v2/event"
	"github.com/logifn/logifn/shared/platform"
)

// The fixture files, in the test's testdata directory.
const (
	FCTimer     = "fc-timer.json"              // a Function Compute timer event
	EventBridge = "eventbridge-scheduled.json" // an EventBridge Scheduler firing (see schedule.SAMInput)
	Ping        = "ping-cloudevent.json"       // a Knative PingSource CloudEvent, structured mode
)

// Ticks decodes the three fixtures of testdata and returns their ticks by
// file name. The test fails unless all three normalise to the same tick,
// which it returns too.
func Ticks(t testing.TB) (platform.Tick, map[string]platform.Tick) {
	t.Helper()
	ticks := map[string]platform.Tick{}
	fc, err := platform.DecodeFCTimer(read(t, FCTimer))
	if err != nil {
		t.Fatalf("%s: %v", FCTimer, err)
	}
	ticks[FCTimer] = fc
	var eb events.EventBridgeEvent
	if err := json.Unmarshal(read(t, EventBridge), &eb); err != nil {
		t.Fatalf("%s: %v", EventBridge, err)
	}
	ticks[EventBridge] = platform.FromScheduledEvent(eb)
	var ce ceevent.Event
	if err := json.Unmarshal(read(t, Ping), &ce); err != nil {
		t.Fatalf("%s: %v", Ping, err)
	}
	_, ping, err := platform.FromCloudEvent(ce)
	if err != nil || ping == nil {
		t.Fatalf("%s: tick %v, err %v", Ping, ping, err)
	}
	ticks[Ping] = *ping
	for name, tick := range ticks {
		if tick.Name != fc.Name || !tick.Time.Equal(fc.Time) || !samePayload(tick.Payload, fc.Payload) {
			t.Fatalf("%s gives tick %+v, %s gives %+v: the fixtures must describe one firing", name, tick, FCTimer, fc)
		}
	}
	return fc, ticks
}

// samePayload compares payloads as JSON, so that spacing does not count.
func samePayload(a, b string) bool {
	if a == b {
		return true
	}
	var x, y any
	if json.Unmarshal([]byte(a), &x) != nil || json.Unmarshal([]byte(b), &y) != nil {
		return false
	}
	xa, _ := json.Marshal(x)
	yb, _ := json.Marshal(y)
	return string(xa) == string(yb)
}

func read(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}
