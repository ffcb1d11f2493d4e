package invoke

import (
	"context"
	"io"
	"net/http"
	"time"

	"github.com/cloudevents/sdk-go/v2/binding"
	ceevent "github.com/cloudevents/sdk-go/v2/event"
	cehttp "github.com/cloudevents/sdk-go/v2/protocol/http"
	"github.com/google/uuid"
	"github.com/logifn/logifn/shared/domain"
)

// pingType is the CloudEvent type of a Knative PingSource, which the
// Knative adapter delivers as a tick.
const pingType = "dev.knative.sources.ping"

// HTTP invokes functions by POSTing a CloudEvent in binary mode to URL: on
// Knative, the ingress of a Broker whose Trigger delivers the event to the
// function (and retries it). The event is a PingSource event named by its
// "name" extension, which the Knative adapter hands to the function as a
// tick; its "target" extension names the function, for Trigger filters.
// Posted straight to a function's own URL it is delivered at once, but the
// POST then lasts as long as the call.
type HTTP struct {
	URL    string
	Client *http.Client // default: a client with a 30s timeout
	Now    func() time.Time
}

// Invoke posts c as a CloudEvent. Any 2xx answer means accepted.
func (h *HTTP) Invoke(ctx context.Context, c Call) error {
	if err := c.check(); err != nil {
		return err
	}
	e := ceevent.New()
	e.SetID(uuid.NewString())
	e.SetSource("/logifn/invoke/" + c.Function + "/" + c.Name)
	e.SetType(pingType)
	e.SetTime(clock(h.Now).now())
	e.SetExtension("name", c.Name)
	e.SetExtension("target", c.Function)
	if err := e.SetData(ceevent.ApplicationJSON, c.Payload); err != nil {
		return domain.Wrap(domain.KindInvalid, "invocation_encoding", "the invocation could not be encoded", err)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, h.URL, nil)
	if err != nil {
		return domain.Wrap(domain.KindInternal, "invocation_url", "the invocation URL is not valid", err)
	}
	if err := cehttp.WriteRequest(ctx, binding.ToMessage(&e), req); err != nil {
		return domain.Wrap(domain.KindInternal, "invocation_encoding", "the invocation could not be encoded", err)
	}
	client := h.Client
	if client == nil {
		client = &http.Client{Timeout: 30 * time.Second}
	}
	res, err := client.Do(req)
	if err != nil {
		return unreachable(h.URL, c.Function, err)
	}
	defer res.Body.Close()
	_, _ = io.Copy(io.Discard, io.LimitReader(res.Body, 64<<10))
	if res.StatusCode/100 != 2 {
		return statusError(h.URL, c.Function, res.StatusCode, nil)
	}
	return nil
}
