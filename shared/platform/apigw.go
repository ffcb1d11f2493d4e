package platform

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"mime"
	"net"
	"net/http"
	"strings"
	"unicode/utf8"

	"github.com/aws/aws-lambda-go/events"
)

// decodeAPIGWRequest builds the *http.Request that an API Gateway HTTP API
// event (payload format 2.0) describes, with ctx as its context. The
// caller's address becomes RemoteAddr as "ip:0".
func decodeAPIGWRequest(ctx context.Context, payload []byte) (*http.Request, error) {
	req, err := newAPIGWRequest(ctx, payload)
	return req, invalidEvent(err)
}

func newAPIGWRequest(ctx context.Context, payload []byte) (*http.Request, error) {
	var e events.APIGatewayV2HTTPRequest
	if err := json.Unmarshal(payload, &e); err != nil {
		return nil, fmt.Errorf("decode http api event: %w", err)
	}
	body := []byte(e.Body)
	if e.IsBase64Encoded {
		var err error
		if body, err = base64.StdEncoding.DecodeString(e.Body); err != nil {
			return nil, fmt.Errorf("decode http api event body: %w", err)
		}
	}
	if e.RequestContext.HTTP.Method == "" {
		return nil, errors.New("http api event without a method")
	}
	target := e.RawPath
	if target == "" {
		target = "/"
	}
	if e.RawQueryString != "" {
		target += "?" + e.RawQueryString
	}
	req, err := http.NewRequestWithContext(ctx, e.RequestContext.HTTP.Method, target, bytes.NewReader(body))
	if err != nil {
		return nil, fmt.Errorf("http api event: %w", err)
	}
	fillAPIGWRequest(req, e)
	return req, nil
}

// fillAPIGWRequest copies what a server would have set from the event:
// headers (API Gateway joins repeated ones with commas), cookies, host,
// protocol and the caller's address.
func fillAPIGWRequest(req *http.Request, e events.APIGatewayV2HTTPRequest) {
	for k, v := range e.Headers {
		req.Header.Set(k, v)
	}
	if len(e.Cookies) > 0 {
		req.Header.Set("Cookie", strings.Join(e.Cookies, "; "))
	}
	req.RequestURI = req.URL.RequestURI()
	req.Host = req.Header.Get("Host")
	if req.Host == "" {
		req.Host = e.RequestContext.DomainName
	}
	if major, minor, ok := http.ParseHTTPVersion(e.RequestContext.HTTP.Protocol); ok {
		req.Proto, req.ProtoMajor, req.ProtoMinor = e.RequestContext.HTTP.Protocol, major, minor
	}
	if ip := e.RequestContext.HTTP.SourceIP; ip != "" {
		req.RemoteAddr = net.JoinHostPort(ip, "0")
	}
}

// bufferedResponse is an http.ResponseWriter that keeps the response for
// an HTTP API event.
type bufferedResponse struct {
	header http.Header
	sent   http.Header // the header as it was when the status was written
	status int
	body   bytes.Buffer
}

func newBufferedResponse() *bufferedResponse {
	return &bufferedResponse{header: http.Header{}}
}

func (b *bufferedResponse) Header() http.Header { return b.header }

func (b *bufferedResponse) WriteHeader(status int) {
	if b.status != 0 || status < 200 {
		return
	}
	b.status = status
	b.sent = b.header.Clone()
}

func (b *bufferedResponse) Write(p []byte) (int, error) {
	b.WriteHeader(http.StatusOK)
	return b.body.Write(p)
}

// apigwResponse returns the response in HTTP API form: Set-Cookie headers
// become Cookies, other repeated headers are joined with commas, and a
// body that is not UTF-8 text is base64-encoded.
func (b *bufferedResponse) apigwResponse() events.APIGatewayV2HTTPResponse {
	b.WriteHeader(http.StatusOK)
	h := b.sent
	if h.Get("Content-Type") == "" && b.body.Len() > 0 {
		h.Set("Content-Type", http.DetectContentType(b.body.Bytes()))
	}
	resp := events.APIGatewayV2HTTPResponse{StatusCode: b.status, Headers: make(map[string]string, len(h))}
	for k, vs := range h {
		if k == "Set-Cookie" {
			resp.Cookies = vs
			continue
		}
		resp.Headers[k] = strings.Join(vs, ",")
	}
	if b.body.Len() == 0 || isText(h.Get("Content-Type")) && utf8.Valid(b.body.Bytes()) {
		resp.Body = b.body.String()
	} else {
		resp.Body = base64.StdEncoding.EncodeToString(b.body.Bytes())
		resp.IsBase64Encoded = true
	}
	return resp
}

// isText reports whether a content type is text that survives a JSON
// string: text/*, JSON, XML, JavaScript and form data.
func isText(contentType string) bool {
	mt, _, err := mime.ParseMediaType(contentType)
	if err != nil {
		return false
	}
	switch {
	case strings.HasPrefix(mt, "text/"),
		mt == "application/json", strings.HasSuffix(mt, "+json"),
		mt == "application/xml", strings.HasSuffix(mt, "+xml"),
		mt == "application/javascript", mt == "application/x-www-form-urlencoded":
		return true
	}
	return false
}
