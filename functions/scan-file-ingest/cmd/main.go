// Command scan-file-ingest runs the scan-file-ingest function on any platform.
package main

import (
	scanfileingest "github.com/logifn/logifn/functions/scan-file-ingest"
	"github.com/logifn/logifn/shared/app"
	"github.com/logifn/logifn/shared/app/kick"
	"github.com/logifn/logifn/shared/app/storage"
)

func main() { app.Main(scanfileingest.Spec(), kick.Backends, storage.Backends) }
