package web

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"strings"

	"github.com/logifn/logifn/shared/domain"
)

// DefaultMaxBodyBytes is the body limit when none is configured.
const DefaultMaxBodyBytes = 1 << 20

// DecodeJSON reads r's body into v strictly: the content type must be JSON,
// the body must fit the limit set by LimitBody, unknown fields, trailing data
// and wrong types are rejected, each with an error naming what is wrong.
func DecodeJSON(r *http.Request, v any) error {
	if err := requireJSON(r); err != nil {
		return err
	}
	dec := json.NewDecoder(r.Body)
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return decodeError(err)
	}
	if err := dec.Decode(&struct{}{}); err != io.EOF {
		if err != nil && tooLarge(err) {
			return decodeError(err)
		}
		return domain.Errorf(domain.KindInvalid, "malformed_json", "the body must hold exactly one JSON object")
	}
	return nil
}

func requireJSON(r *http.Request) error {
	ct := r.Header.Get("Content-Type")
	mt, _, err := mime.ParseMediaType(ct)
	if ct == "" || err != nil || (mt != "application/json" && !strings.HasSuffix(mt, "+json")) {
		return domain.Errorf(domain.KindUnsupportedType, "unsupported_media_type", "the body must be sent as Content-Type: application/json")
	}
	return nil
}

func decodeError(err error) error {
	var (
		syntax *json.SyntaxError
		typ    *json.UnmarshalTypeError
	)
	switch {
	case tooLarge(err):
		return domain.Errorf(domain.KindTooLarge, "body_too_large", "the body is larger than the limit")
	case errors.Is(err, io.EOF):
		return domain.Errorf(domain.KindInvalid, "malformed_json", "the body is empty; a JSON object is required")
	case errors.Is(err, io.ErrUnexpectedEOF):
		return domain.Errorf(domain.KindInvalid, "malformed_json", "the body ends before the JSON is complete")
	case errors.As(err, &syntax):
		return domain.Errorf(domain.KindInvalid, "malformed_json", "the body is not valid JSON (at byte %d)", syntax.Offset)
	case errors.As(err, &typ):
		field := typ.Field
		if field == "" {
			field = "(body)"
		}
		return &domain.Error{Kind: domain.KindInvalid, Code: "wrong_type", Message: "a field has the wrong JSON type",
			Details: []domain.FieldError{{Field: field, Message: fmt.Sprintf("must be %s, not %s", jsonType(typ.Type.Kind().String()), typ.Value)}}}
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		name := strings.Trim(strings.TrimPrefix(err.Error(), "json: unknown field "), `"`)
		return &domain.Error{Kind: domain.KindInvalid, Code: "unknown_field", Message: "the body has a field logifn does not know",
			Details: []domain.FieldError{{Field: name, Message: "unknown field"}}}
	}
	return domain.Wrap(domain.KindInvalid, "malformed_json", "the body could not be read as JSON", err)
}

func tooLarge(err error) bool {
	var mb *http.MaxBytesError
	return errors.As(err, &mb)
}

func jsonType(goKind string) string {
	switch goKind {
	case "int", "int8", "int16", "int32", "int64", "uint", "uint8", "uint16", "uint32", "uint64":
		return "an integer"
	case "float32", "float64":
		return "a number"
	case "string":
		return "a string"
	case "bool":
		return "true or false"
	case "slice", "array":
		return "an array"
	case "struct", "map", "ptr":
		return "an object"
	}
	return "another type"
}
