package platform

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/logifn/logifn/shared/domain"
)

// ossRecord is one OSS notification record, as Function Compute's OSS
// trigger delivers it in a batch and Alibaba EventBridge delivers it alone.
type ossRecord struct {
	EventName string `json:"eventName"`
	EventTime string `json:"eventTime"`
	Region    string `json:"region"`
	OSS       struct {
		Bucket struct {
			Name string `json:"name"`
		} `json:"bucket"`
		Object struct {
			Key        string `json:"key"`
			Size       int64  `json:"size"`
			ETag       string `json:"eTag"`
			ObjectMeta struct {
				MimeType string `json:"mimeType"`
			} `json:"objectMeta"`
		} `json:"object"`
	} `json:"oss"`
	ResponseElements struct {
		RequestID string `json:"requestId"`
	} `json:"responseElements"`
}

// fcTimerEvent is the body of a Function Compute timer invocation.
type fcTimerEvent struct {
	TriggerTime *string         `json:"triggerTime"`
	TriggerName string          `json:"triggerName"`
	Payload     json.RawMessage `json:"payload"`
}

// DecodeFCOSS decodes a Function Compute OSS trigger event, {"events":[...]},
// into one ObjectCreated per ObjectCreated record, every record of the batch
// in order. Records of other event names (ObjectRemoved ...) are skipped.
// A body that is not such an event, or a record without bucket or key,
// is an error.
func DecodeFCOSS(body []byte) ([]ObjectCreated, error) {
	objs, err := decodeFCOSS(body)
	return objs, invalidEvent(err)
}

func decodeFCOSS(body []byte) ([]ObjectCreated, error) {
	var ev struct {
		Events []ossRecord `json:"events"`
	}
	if err := json.Unmarshal(body, &ev); err != nil {
		return nil, fmt.Errorf("decode oss event: %w", err)
	}
	if len(ev.Events) == 0 {
		return nil, errors.New("decode oss event: no records in events")
	}
	objs := make([]ObjectCreated, 0, len(ev.Events))
	for i, r := range ev.Events {
		if !isObjectCreated(r.EventName) {
			continue
		}
		obj, err := r.object()
		if err != nil {
			return nil, fmt.Errorf("decode oss event: record %d: %w", i, err)
		}
		objs = append(objs, obj)
	}
	return objs, nil
}

// object converts r, which must name a bucket and a key.
func (r ossRecord) object() (ObjectCreated, error) {
	if r.OSS.Bucket.Name == "" || r.OSS.Object.Key == "" {
		return ObjectCreated{}, errors.New("record without bucket or key")
	}
	t, err := parseEventTime(r.EventTime)
	if err != nil {
		return ObjectCreated{}, err
	}
	return ObjectCreated{
		Bucket:      r.OSS.Bucket.Name,
		Key:         r.OSS.Object.Key,
		Size:        r.OSS.Object.Size,
		ETag:        r.OSS.Object.ETag,
		ContentType: r.OSS.Object.ObjectMeta.MimeType,
		Time:        t,
		EventID:     r.ResponseElements.RequestID,
		Region:      r.Region,
	}, nil
}

// DecodeFCTimer decodes a Function Compute timer event,
// {"triggerTime":"...","triggerName":"...","payload":"..."}. The trigger
// time and name are required; a payload that is not a JSON string is kept
// as its JSON text.
func DecodeFCTimer(body []byte) (Tick, error) {
	t, err := decodeFCTimer(body)
	return t, invalidEvent(err)
}

func decodeFCTimer(body []byte) (Tick, error) {
	var ev fcTimerEvent
	if err := json.Unmarshal(body, &ev); err != nil {
		return Tick{}, fmt.Errorf("decode timer event: %w", err)
	}
	if ev.TriggerTime == nil || ev.TriggerName == "" {
		return Tick{}, errors.New("decode timer event: triggerTime and triggerName are required")
	}
	t, err := time.Parse(time.RFC3339Nano, *ev.TriggerTime)
	if err != nil {
		return Tick{}, fmt.Errorf("decode timer event: triggerTime: %w", err)
	}
	if t.IsZero() {
		return Tick{}, errors.New("decode timer event: triggerTime is the zero time")
	}
	return Tick{Name: ev.TriggerName, Time: t.UTC(), Payload: payloadText(ev.Payload)}, nil
}

// payloadText returns a JSON string's value, or any other JSON value's
// text; null and absence are "".
func payloadText(raw json.RawMessage) string {
	var s string
	if err := json.Unmarshal(raw, &s); err == nil {
		return s
	}
	if t := strings.TrimSpace(string(raw)); t != "null" {
		return t
	}
	return ""
}

// isObjectCreated reports whether an event name, in any of the OSS, S3 and
// MinIO spellings, announces a created object. An empty name counts, for
// bridges that leave it out.
func isObjectCreated(name string) bool {
	return name == "" || strings.Contains(name, "ObjectCreated")
}

// parseEventTime parses an RFC 3339 event time; an empty one is the zero time.
func parseEventTime(s string) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return time.Time{}, fmt.Errorf("eventTime: %w", err)
	}
	return t.UTC(), nil
}

// invalidEvent marks err, a failure to understand an event, as invalid:
// the event itself is wrong, so a redelivery would fail the same way and
// must not be asked for (see Retryable). Errors of a kind already, and nil,
// are returned as they are.
func invalidEvent(err error) error {
	if err == nil || domain.KindOf(err) != domain.KindInternal {
		return err
	}
	return &domain.Error{Kind: domain.KindInvalid, Code: "bad_event", Message: err.Error()}
}
