// Package tests is logifn's end-to-end suite. It builds the real binaries
// (the logifn CLI, and each function's bootstrap as it is deployed), starts
// them on every platform they support, on SQLite and MySQL databases shared
// by several processes, and drives them over HTTP and the Lambda Runtime
// API. `go test -short` skips it.
package tests
