// Command waybill-image-ingest runs the waybill-image-ingest function on any platform.
package main

import (
	waybillimageingest "github.com/logifn/logifn/functions/waybill-image-ingest"
	"github.com/logifn/logifn/shared/app"
	"github.com/logifn/logifn/shared/app/kick"
	"github.com/logifn/logifn/shared/app/storage"
)

func main() { app.Main(waybillimageingest.Spec(), kick.Backends, storage.Backends) }
