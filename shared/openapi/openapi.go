// Package openapi holds logifn's API document, openapi.yaml: every route of
// the manifest with its parameters, bodies, answers, errors and the bearer
// scheme. Tests check the document against the manifest and every response
// the function tests see against the document; the local platform serves it
// at GET /openapi.yaml.
package openapi

import (
	"bytes"
	"crypto/sha256"
	_ "embed"
	"encoding/hex"
	"net/http"
	"time"
)

//go:embed openapi.yaml
var document []byte

// Path is where the local platform serves the document.
const Path = "/openapi.yaml"

// Document returns the OpenAPI 3 document in YAML. Callers must not modify it.
func Document() []byte { return document }

// Handler serves the document as application/yaml. Caches may keep it for
// five minutes and then revalidate with If-None-Match, which answers 304
// while the document is unchanged.
func Handler() http.Handler {
	sum := sha256.Sum256(document)
	etag := `"` + hex.EncodeToString(sum[:16]) + `"`
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/yaml")
		w.Header().Set("Cache-Control", "public, max-age=300, must-revalidate")
		w.Header().Set("ETag", etag)
		http.ServeContent(w, r, "openapi.yaml", time.Time{}, bytes.NewReader(document))
	})
}
