// Package fctest is a fake of Function Compute's API for tests: an
// httptest server that checks each request's signature as the service does
// (Content-MD5, Date, security token and the HMAC-SHA256 Authorization
// header), refuses a bad one with 403 and hands the good ones to the test's
// handler.
package fctest

import (
	"bytes"
	"crypto/hmac"
	"crypto/md5"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"
)

// APIVersion is the path prefix of the Function Compute API the SDK speaks.
const APIVersion = "/2016-08-15"

// Credentials the fake accepts; a test passes them to the client.
const (
	KeyID  = "STS.key-id"
	Secret = "fc-secret"
	Token  = "sts-token"
)

// Request is one signed request the fake accepted.
type Request struct {
	Method string
	Path   string
	Header http.Header
	Body   []byte
}

// Server is a running fake. Handler answers the accepted requests; the
// request body it sees is the one that was signed.
type Server struct {
	URL     string
	KeyID   string
	Secret  string
	Token   string
	Handler http.Handler

	t   testing.TB
	srv *httptest.Server
	mu  sync.Mutex
	// accepted are the requests whose signature held, in order.
	accepted []Request
}

// New starts a fake answering with h, closed when t ends.
func New(t testing.TB, h http.Handler) *Server {
	t.Helper()
	s := &Server{KeyID: KeyID, Secret: Secret, Token: Token, Handler: h, t: t}
	s.srv = httptest.NewServer(s)
	t.Cleanup(s.srv.Close)
	s.URL = s.srv.URL
	return s
}

// Close stops the fake early, for tests of an unreachable endpoint.
func (s *Server) Close() { s.srv.Close() }

// Requests returns the requests accepted so far.
func (s *Server) Requests() []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Request(nil), s.accepted...)
}

// ServeHTTP checks the signature, records the request and hands it on.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("X-Fc-Request-Id", "req-1")
	body, _ := io.ReadAll(r.Body)
	if problem := s.Check(r, body); problem != "" {
		s.t.Logf("fake FC refuses %s %s: %s", r.Method, r.URL.Path, problem)
		w.WriteHeader(http.StatusForbidden)
		fmt.Fprintf(w, `{"ErrorCode":"SignatureNotMatch","ErrorMessage":%q}`, problem)
		return
	}
	s.mu.Lock()
	s.accepted = append(s.accepted, Request{Method: r.Method, Path: r.URL.Path, Header: r.Header.Clone(), Body: body})
	s.mu.Unlock()
	r.Body = io.NopCloser(bytes.NewReader(body))
	if s.Handler == nil {
		w.WriteHeader(http.StatusOK)
		return
	}
	s.Handler.ServeHTTP(w, r)
}

// Check returns what is wrong with the request's signing, or "".
func (s *Server) Check(r *http.Request, body []byte) string {
	if s.Token != "" && r.Header.Get("X-Fc-Security-Token") != s.Token {
		return "security token"
	}
	if len(body) > 0 {
		sum := md5.Sum(body)
		if got := r.Header.Get("Content-MD5"); got != hex.EncodeToString(sum[:]) {
			return "Content-MD5 " + got
		}
	}
	date, err := http.ParseTime(r.Header.Get("Date"))
	if err != nil || time.Since(date).Abs() > 15*time.Minute {
		return "Date " + r.Header.Get("Date")
	}
	if got, want := r.Header.Get("Authorization"), "FC "+s.KeyID+":"+Signature(s.Secret, r); got != want {
		return "Authorization " + got
	}
	return ""
}

// Signature computes the request's signature as Function Compute's API
// documents it: HMAC-SHA256 over the method, Content-MD5, Content-Type,
// Date, the x-fc-* headers (lower case, sorted) and the path.
func Signature(secret string, r *http.Request) string {
	var fcHeaders []string
	for name, values := range r.Header {
		if lower := strings.ToLower(name); strings.HasPrefix(lower, "x-fc-") {
			fcHeaders = append(fcHeaders, lower+":"+values[0]+"\n")
		}
	}
	sort.Strings(fcHeaders)
	canonical := r.Method + "\n" + r.Header.Get("Content-MD5") + "\n" + r.Header.Get("Content-Type") + "\n" +
		r.Header.Get("Date") + "\n" + strings.Join(fcHeaders, "") + r.URL.Path
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write([]byte(canonical))
	return base64.StdEncoding.EncodeToString(mac.Sum(nil))
}

// Error answers status with an FC error body.
func Error(w http.ResponseWriter, status int, code, message string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	fmt.Fprintf(w, `{"ErrorCode":%q,"ErrorMessage":%q}`, code, message)
}
