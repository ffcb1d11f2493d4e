package platform

import (
	"bytes"
	"fmt"
	"net/url"
	"strings"

	"github.com/aws/aws-lambda-go/events"
)

// FromS3Event converts an S3 notification, from AWS or a MinIO webhook, into
// one ObjectCreated per ObjectCreated record, every record in order.
// Records of other event names are skipped. Keys are URL-decoded: the
// decoded key filled in on unmarshal is used, else Key is decoded here.
func FromS3Event(e events.S3Event) []ObjectCreated {
	objs := make([]ObjectCreated, 0, len(e.Records))
	for _, r := range e.Records {
		if !isObjectCreated(r.EventName) {
			continue
		}
		objs = append(objs, ObjectCreated{
			Bucket:  r.S3.Bucket.Name,
			Key:     s3Key(r.S3.Object),
			Size:    r.S3.Object.Size,
			ETag:    strings.Trim(r.S3.Object.ETag, `"`),
			Time:    r.EventTime.UTC(),
			EventID: s3EventID(r),
			Region:  r.AWSRegion,
		})
	}
	return objs
}

// requireNames fails when an object names no bucket or no key, as a
// notification record without them cannot be acted on.
func requireNames(objs []ObjectCreated) error {
	for i, o := range objs {
		if o.Bucket == "" || o.Key == "" {
			return fmt.Errorf("s3 record %d without bucket or key", i)
		}
	}
	return nil
}

// s3Key returns the object's key, decoded.
func s3Key(o events.S3Object) string {
	if o.URLDecodedKey != "" {
		return o.URLDecodedKey
	}
	if k, err := url.QueryUnescape(o.Key); err == nil {
		return k
	}
	return o.Key
}

// s3EventID names the notification: the request that created the object,
// else the record's sequencer.
func s3EventID(r events.S3EventRecord) string {
	if id := r.ResponseElements["x-amz-request-id"]; id != "" {
		return id
	}
	return r.S3.Object.Sequencer
}

// FromScheduledEvent converts an EventBridge "Scheduled Event" into a Tick.
// Its Name is the last path segment of the first resource, the ARN of the
// rule or schedule that fired ("arn:aws:events:...:rule/logifn-sweep" ->
// "logifn-sweep"); its Payload is the event's detail, "" when that is
// empty or {}.
func FromScheduledEvent(e events.EventBridgeEvent) Tick {
	var name string
	if len(e.Resources) > 0 {
		name = lastSegment(e.Resources[0])
	}
	payload := string(bytes.TrimSpace(e.Detail))
	if payload == "{}" || payload == "null" {
		payload = ""
	}
	return Tick{Name: name, Time: e.Time.UTC(), Payload: payload}
}

// lastSegment returns what follows the last "/" of s, or, without one, the
// last ":" (for ARNs such as "arn:aws:events:r:a:rule:name").
func lastSegment(s string) string {
	s = strings.TrimRight(s, "/")
	if i := strings.LastIndexByte(s, '/'); i >= 0 {
		return s[i+1:]
	}
	if i := strings.LastIndexByte(s, ':'); i >= 0 {
		return s[i+1:]
	}
	return s
}
