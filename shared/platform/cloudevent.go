package platform

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/aws/aws-lambda-go/events"
	ceevent "github.com/cloudevents/sdk-go/v2/event"
)

// CloudEvent types and sources FromCloudEvent understands.
const (
	cePingType      = "dev.knative.sources.ping"
	ceOSSSource     = "acs.oss"
	ceOSSTypePrefix = "oss:ObjectCreated:"
)

// FromCloudEvent converts a CloudEvent into the objects or the tick it
// carries; exactly one of objs and tick is set when err is nil.
//
//   - A Knative PingSource event (type dev.knative.sources.ping) is a Tick
//     named by the "name" extension, else by the last path segment of the
//     source; its Time is the event time and its Payload the data.
//   - An Alibaba EventBridge OSS event (source acs.oss, type
//     oss:ObjectCreated:*) carries one OSS record as data, or a batch
//     {"events":[...]}.
//   - Any other event whose data is an S3 notification {"Records":[...]}
//     (an S3 or MinIO bridge) carries its records, keys URL-encoded.
//
// Anything else is an error.
func FromCloudEvent(e ceevent.Event) (objs []ObjectCreated, tick *Tick, err error) {
	objs, tick, err = fromCloudEvent(e)
	return objs, tick, invalidEvent(err)
}

func fromCloudEvent(e ceevent.Event) (objs []ObjectCreated, tick *Tick, err error) {
	switch {
	case e.Type() == cePingType:
		t, err := pingTick(e)
		if err != nil {
			return nil, nil, err
		}
		return nil, &t, nil
	case e.Source() == ceOSSSource:
		objs, err = ossFromCloudEvent(e)
	default:
		objs, err = s3FromCloudEvent(e)
	}
	if err != nil {
		return nil, nil, err
	}
	return objs, nil, nil
}

// pingTick converts a PingSource event.
func pingTick(e ceevent.Event) (Tick, error) {
	name := lastSegment(e.Source())
	if n, ok := e.Extensions()["name"].(string); ok && n != "" {
		name = n
	}
	if name == "" || e.Time().IsZero() {
		return Tick{}, fmt.Errorf("ping event %s: needs a source and a time", e.ID())
	}
	return Tick{Name: name, Time: e.Time().UTC(), Payload: strings.TrimSpace(string(e.Data()))}, nil
}

// ossFromCloudEvent converts an EventBridge OSS event.
func ossFromCloudEvent(e ceevent.Event) ([]ObjectCreated, error) {
	if !strings.HasPrefix(e.Type(), ceOSSTypePrefix) {
		return nil, fmt.Errorf("oss event %s: type %q is not an object creation", e.ID(), e.Type())
	}
	var probe struct {
		Events json.RawMessage `json:"events"`
	}
	if err := json.Unmarshal(e.Data(), &probe); err != nil {
		return nil, fmt.Errorf("oss event %s: %w", e.ID(), err)
	}
	if probe.Events != nil {
		objs, err := DecodeFCOSS(e.Data())
		return withEventDefaults(e, objs, err)
	}
	var r ossRecord
	if err := json.Unmarshal(e.Data(), &r); err != nil {
		return nil, fmt.Errorf("oss event %s: %w", e.ID(), err)
	}
	obj, err := r.object()
	if err != nil {
		return nil, fmt.Errorf("oss event %s: %w", e.ID(), err)
	}
	return withEventDefaults(e, []ObjectCreated{obj}, nil)
}

// s3FromCloudEvent converts an event whose data is an S3 notification.
func s3FromCloudEvent(e ceevent.Event) ([]ObjectCreated, error) {
	var s3 events.S3Event
	if err := json.Unmarshal(e.Data(), &s3); err != nil {
		return nil, fmt.Errorf("cloudevent %s (type %q): data is not an s3 notification: %w", e.ID(), e.Type(), err)
	}
	if len(s3.Records) == 0 {
		return nil, fmt.Errorf("cloudevent %s: unsupported type %q from %q", e.ID(), e.Type(), e.Source())
	}
	objs := FromS3Event(s3)
	if err := requireNames(objs); err != nil {
		return nil, fmt.Errorf("cloudevent %s: %w", e.ID(), err)
	}
	if err := addContentTypes(e.Data(), s3.Records, objs); err != nil {
		return nil, fmt.Errorf("cloudevent %s: %w", e.ID(), err)
	}
	return withEventDefaults(e, objs, nil)
}

// addContentTypes copies the content types a MinIO notification carries,
// which events.S3Event has no field for, onto objs.
func addContentTypes(data []byte, records []events.S3EventRecord, objs []ObjectCreated) error {
	var minio struct {
		Records []struct {
			S3 struct {
				Object struct {
					ContentType string `json:"contentType"`
				} `json:"object"`
			} `json:"s3"`
		} `json:"Records"`
	}
	if err := json.Unmarshal(data, &minio); err != nil {
		return err
	}
	j := 0
	for i, r := range records {
		if !isObjectCreated(r.EventName) {
			continue
		}
		objs[j].ContentType = minio.Records[i].S3.Object.ContentType
		j++
	}
	return nil
}

// withEventDefaults fills what the records left empty from the envelope:
// the notification id and time.
func withEventDefaults(e ceevent.Event, objs []ObjectCreated, err error) ([]ObjectCreated, error) {
	if err != nil {
		return nil, fmt.Errorf("cloudevent %s: %w", e.ID(), err)
	}
	for i := range objs {
		if objs[i].EventID == "" {
			objs[i].EventID = e.ID()
		}
		if objs[i].Time.IsZero() {
			objs[i].Time = e.Time().UTC()
		}
	}
	return objs, nil
}
