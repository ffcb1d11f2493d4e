// Package openapitest checks HTTP calls against logifn's API document
// (shared/openapi/openapi.yaml), for tests: the answer's status must be one
// the operation documents, its headers and JSON body must match, and a
// request the server accepted must be one the document allows. Only tests
// import it, so function binaries never link an OpenAPI library.
package openapitest

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"sync"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/legacy"
	"github.com/logifn/logifn/shared/openapi"
)

// DocumentName names the document in messages.
const DocumentName = "shared/openapi/openapi.yaml"

// Exchange is one finished HTTP call.
type Exchange struct {
	Method        string
	Target        string // path and query, such as /v1/shipments?limit=2
	RequestHeader http.Header
	RequestBody   []byte
	Status        int
	Header        http.Header
	Body          []byte
}

// contract is the loaded document and a router over its operations.
type contract struct {
	doc    *openapi3.T
	router routers.Router
}

// loaded parses and validates the document once for the whole test binary.
var loaded = sync.OnceValues(func() (*contract, error) {
	doc, err := Load()
	if err != nil {
		return nil, err
	}
	// Route on the path alone: tests serve the API on any address, not on
	// the server the document names.
	routed := *doc
	routed.Servers = nil
	router, err := legacy.NewRouter(&routed)
	if err != nil {
		return nil, fmt.Errorf("route %s: %w", DocumentName, err)
	}
	return &contract{doc: doc, router: router}, nil
})

// Load parses and validates the document. Each call returns a new copy.
func Load() (*openapi3.T, error) {
	loader := openapi3.NewLoader()
	doc, err := loader.LoadFromData(openapi.Document())
	if err != nil {
		return nil, fmt.Errorf("load %s: %w", DocumentName, err)
	}
	if err := doc.Validate(loader.Context); err != nil {
		return nil, fmt.Errorf("%s is not a valid OpenAPI document: %w", DocumentName, err)
	}
	return doc, nil
}

// Check returns nil when ex is what the document describes, and otherwise
// an error that names the call, what departs from the document and the
// body the server sent.
func Check(ex Exchange) error {
	c, err := loaded()
	if err != nil {
		return err
	}
	if err := c.check(ex); err != nil {
		return fmt.Errorf("%s %s answered %d, which %s does not describe: %v\n  body: %s",
			ex.Method, ex.Target, ex.Status, DocumentName, err, excerpt(ex.Body))
	}
	return nil
}

func (c *contract) check(ex Exchange) error {
	if ex.Method == http.MethodHead {
		return nil // no body; the GET of the same route is checked
	}
	req, err := ex.request()
	if err != nil {
		return err
	}
	if platformAnswer(ex) {
		// The router's own answer to a route the server does not mount,
		// such as one a test harness left out: the drift tests keep the
		// document and the manifest in step, so only its shape is checked.
		return c.checkError(ex)
	}
	route, params, err := c.router.FindRoute(req)
	if err != nil {
		return fmt.Errorf("no documented operation: %v", err)
	}
	opts := &openapi3filter.Options{
		AuthenticationFunc:    openapi3filter.NoopAuthenticationFunc,
		IncludeResponseStatus: true,
		MultiError:            true,
		SkipSettingDefaults:   true,
	}
	opts.WithCustomSchemaErrorFunc(schemaError)
	in := &openapi3filter.RequestValidationInput{Request: req, PathParams: params, Route: route, Options: opts}
	res := &openapi3filter.ResponseValidationInput{RequestValidationInput: in, Status: ex.Status, Header: ex.Header, Options: opts}
	res.SetBodyBytes(ex.Body)
	if err := openapi3filter.ValidateResponse(context.Background(), res); err != nil {
		return err
	}
	if ex.Status < 300 {
		// What the server accepted, the document must accept as well: a
		// parameter or field it forgot, or a rule stricter than the
		// server's, shows up here.
		err := openapi3filter.ValidateRequest(context.Background(), in)
		if err == nil {
			err = undeclaredQuery(req, route)
		}
		if err != nil {
			return fmt.Errorf("the server accepted a request the document rejects: %v", err)
		}
	}
	return nil
}

// undeclaredQuery names a query parameter of req that route does not
// declare. OpenAPI lets requests carry extra parameters, but logifn's list
// handlers refuse the ones they do not know, so one that got through is
// one the document forgot, or was sent to a handler that ignores it.
func undeclaredQuery(req *http.Request, route *routers.Route) error {
	declared := map[string]bool{}
	for _, params := range []openapi3.Parameters{route.PathItem.Parameters, route.Operation.Parameters} {
		for _, p := range params {
			if p.Value.In == openapi3.ParameterInQuery {
				declared[p.Value.Name] = true
			}
		}
	}
	for name := range req.URL.Query() {
		if !declared[name] {
			return fmt.Errorf("query parameter %q is not documented", name)
		}
	}
	return nil
}

// schemaError says where in the value a schema error is and why, without
// the schema and value dumps of the default message.
func schemaError(err *openapi3.SchemaError) string {
	return fmt.Sprintf("at /%s: %s", strings.Join(err.JSONPointer(), "/"), err.Reason)
}

// platformAnswer reports whether ex is the router's answer to a path it
// does not serve (404 route_not_found) or a method it does not serve there
// (405 method_not_allowed).
func platformAnswer(ex Exchange) bool {
	if ex.Status != http.StatusNotFound && ex.Status != http.StatusMethodNotAllowed {
		return false
	}
	var body struct {
		Error struct {
			Code string `json:"code"`
		} `json:"error"`
	}
	if json.Unmarshal(ex.Body, &body) != nil {
		return false
	}
	return body.Error.Code == "route_not_found" || body.Error.Code == "method_not_allowed"
}

// checkError checks ex's body against the Error schema.
func (c *contract) checkError(ex Exchange) error {
	var v any
	if err := json.Unmarshal(ex.Body, &v); err != nil {
		return fmt.Errorf("the error body is not JSON: %v", err)
	}
	if err := c.doc.Components.Schemas["Error"].Value.VisitJSON(v, openapi3.MultiErrors(), openapi3.VisitAsResponse()); err != nil {
		return fmt.Errorf("the error body does not match #/components/schemas/Error: %v", err)
	}
	return nil
}

func (ex Exchange) request() (*http.Request, error) {
	req, err := http.NewRequest(ex.Method, "http://logifn.test"+ex.Target, bytes.NewReader(ex.RequestBody))
	if err != nil {
		return nil, fmt.Errorf("rebuild the request: %w", err)
	}
	req.Header = ex.RequestHeader.Clone()
	if req.Header == nil {
		req.Header = http.Header{}
	}
	return req, nil
}

// excerpt returns b shortened for a message.
func excerpt(b []byte) string {
	const max = 2000
	s := strings.TrimSpace(string(b))
	if len(s) > max {
		return s[:max] + " ..."
	}
	return s
}
