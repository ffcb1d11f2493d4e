package platform

import (
	"net/http/httptest"
	"testing"

	"github.com/cloudevents/sdk-go/v2/binding"
	cehttp "github.com/cloudevents/sdk-go/v2/protocol/http"
)

// TestMayBeCloudEvent: the header check that lets API requests skip the
// SDK never hides a request the SDK reads as a CloudEvent.
func TestMayBeCloudEvent(t *testing.T) {
	tests := []struct {
		name    string
		headers map[string]string
		want    bool
	}{
		{"plain GET", nil, false},
		{"JSON body", map[string]string{"Content-Type": "application/json"}, false},
		{"binary mode", map[string]string{"Ce-Specversion": "1.0", "Content-Type": "application/json"}, true},
		{"structured", map[string]string{"Content-Type": "application/cloudevents+json"}, true},
		{"structured, odd case and parameters", map[string]string{"Content-Type": " Application/CloudEvents+JSON; charset=utf-8"}, true},
		{"batch", map[string]string{"Content-Type": "application/cloudevents-batch+json"}, true},
		{"short content type", map[string]string{"Content-Type": "application/cloud"}, false},
	}
	for _, tt := range tests {
		r := httptest.NewRequest("POST", "/", nil)
		for k, v := range tt.headers {
			r.Header.Set(k, v)
		}
		sdk := cehttp.NewMessageFromHttpRequest(r).ReadEncoding() != binding.EncodingUnknown
		if got := mayBeCloudEvent(r); got != tt.want || sdk && !got {
			t.Errorf("%s: mayBeCloudEvent = %v, want %v (the SDK reads an event: %v)", tt.name, got, tt.want, sdk)
		}
	}
}
