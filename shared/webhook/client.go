package webhook

import (
	"bytes"
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/netip"
	"strconv"
	"syscall"
	"time"
)

// UserAgent is sent with every delivery.
const UserAgent = "logifn-webhooks/1"

// Defaults of ClientOptions.
const (
	DefaultTimeout          = 10 * time.Second
	DefaultMaxResponseBytes = 64 << 10
	maxRedirects            = 3
)

// ClientOptions configure a Client. Zero values take the defaults.
type ClientOptions struct {
	// Timeout bounds a whole exchange: connecting, sending, the answer.
	Timeout time.Duration
	// AllowPrivate lets deliveries reach private and loopback addresses
	// (see CheckAddr); cloud metadata addresses stay out of reach.
	AllowPrivate bool
	// MaxResponseBytes is how much of an answer's body is read; the rest
	// is dropped. Only the status counts.
	MaxResponseBytes int64
	// Now is the clock of the signature's time; time.Now by default.
	Now func() time.Time
}

// Client delivers events. It is safe for concurrent use.
type Client struct {
	hc           *http.Client
	allowPrivate bool
	maxResponse  int64
	now          func() time.Time
}

// NewClient returns a client that checks every address it connects to,
// after name resolution, so a name that resolves to a private or metadata
// address is refused however it was registered. It uses no proxy, needs
// TLS 1.2 or later, and follows a redirect only to the same scheme and host
// with the method and body kept (307, 308); any other redirect is a failed
// delivery.
func NewClient(o ClientOptions) *Client {
	if o.Timeout <= 0 {
		o.Timeout = DefaultTimeout
	}
	if o.MaxResponseBytes <= 0 {
		o.MaxResponseBytes = DefaultMaxResponseBytes
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	dialer := &net.Dialer{
		Timeout:   min(5*time.Second, o.Timeout),
		KeepAlive: 30 * time.Second,
		Control: func(network, address string, _ syscall.RawConn) error {
			ap, err := netip.ParseAddrPort(address)
			if err != nil {
				return fmt.Errorf("dial %s: %w", address, errForbiddenAddress)
			}
			return CheckAddr(ap.Addr(), o.AllowPrivate)
		},
	}
	tr := &http.Transport{
		Proxy:                  nil, // a proxy would connect on our behalf, past the address check
		DialContext:            dialer.DialContext,
		TLSClientConfig:        &tls.Config{MinVersion: tls.VersionTLS12},
		TLSHandshakeTimeout:    min(5*time.Second, o.Timeout),
		ResponseHeaderTimeout:  o.Timeout,
		MaxResponseHeaderBytes: 16 << 10,
		MaxIdleConns:           32,
		MaxIdleConnsPerHost:    4,
		IdleConnTimeout:        60 * time.Second,
		ForceAttemptHTTP2:      true,
	}
	return &Client{
		hc:           &http.Client{Transport: tr, Timeout: o.Timeout, CheckRedirect: checkRedirect},
		allowPrivate: o.AllowPrivate,
		maxResponse:  o.MaxResponseBytes,
		now:          o.Now,
	}
}

// checkRedirect follows a redirect only within the first request's scheme
// and host, and only when it keeps the method (and so the signed body).
func checkRedirect(req *http.Request, via []*http.Request) error {
	first := via[0]
	switch {
	case len(via) >= maxRedirects:
		return errors.New("too many redirects")
	case req.URL.Scheme != first.URL.Scheme || req.URL.Host != first.URL.Host:
		return errors.New("redirect to another host refused")
	case req.Method != first.Method:
		return errors.New("redirect that drops the body refused")
	}
	return nil
}

// Send posts d's body to d's URL, signed with d's secrets at the client's
// current time. The URL is checked again first: the rules may have changed
// since it was registered.
func (c *Client) Send(ctx context.Context, d Delivery) Result {
	start := time.Now()
	if err := CheckURL(d.URL, c.allowPrivate); err != nil {
		return Result{Err: fmt.Errorf("endpoint url %w", err)}
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, d.URL, bytes.NewReader(d.Body))
	if err != nil {
		return Result{Err: err}
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", UserAgent)
	req.Header.Set(SignatureHeader, SignatureValue(c.now(), d.Body, d.Secrets...))
	req.Header.Set(EventIDHeader, d.EventID)
	req.Header.Set(EventTypeHeader, string(d.EventType))
	req.Header.Set(AttemptHeader, strconv.Itoa(d.Attempt))
	if d.Replay {
		req.Header.Set(ReplayHeader, "true")
	}
	resp, err := c.hc.Do(req)
	if err != nil {
		return Result{Err: err, Duration: time.Since(start)}
	}
	defer resp.Body.Close()
	// Reading a little lets the connection be reused; the body means nothing.
	io.Copy(io.Discard, io.LimitReader(resp.Body, c.maxResponse))
	return Result{StatusCode: resp.StatusCode, Duration: time.Since(start)}
}
