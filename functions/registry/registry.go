// Package registry is logifn's manifest: every function, with its triggers,
// sizing hints and constructor. The local platform serves exactly these,
// and the deploy files and docs are checked against them.
package registry

import (
	autoreceipt "github.com/logifn/logifn/functions/auto-receipt"
	"github.com/logifn/logifn/functions/console"
	dailyreport "github.com/logifn/logifn/functions/daily-report"
	"github.com/logifn/logifn/functions/housekeeping"
	imagelist "github.com/logifn/logifn/functions/image-list"
	imageupload "github.com/logifn/logifn/functions/image-upload"
	itemlist "github.com/logifn/logifn/functions/item-list"
	"github.com/logifn/logifn/functions/quote"
	"github.com/logifn/logifn/functions/rates"
	scanfileingest "github.com/logifn/logifn/functions/scan-file-ingest"
	shipmentcancel "github.com/logifn/logifn/functions/shipment-cancel"
	shipmentcreate "github.com/logifn/logifn/functions/shipment-create"
	shipmentget "github.com/logifn/logifn/functions/shipment-get"
	shipmentlist "github.com/logifn/logifn/functions/shipment-list"
	shipmentreceipt "github.com/logifn/logifn/functions/shipment-receipt"
	shipmentscan "github.com/logifn/logifn/functions/shipment-scan"
	shipmenttrack "github.com/logifn/logifn/functions/shipment-track"
	stalesweep "github.com/logifn/logifn/functions/stale-sweep"
	stationlist "github.com/logifn/logifn/functions/station-list"
	stationput "github.com/logifn/logifn/functions/station-put"
	waybillimageingest "github.com/logifn/logifn/functions/waybill-image-ingest"
	webhookdispatch "github.com/logifn/logifn/functions/webhook-dispatch"
	webhookendpoints "github.com/logifn/logifn/functions/webhook-endpoints"
	"github.com/logifn/logifn/shared/app"
)

// All returns every function's spec, in a stable order.
func All() []app.Spec {
	return []app.Spec{
		shipmentcreate.Spec(),
		shipmentget.Spec(),
		shipmentlist.Spec(),
		shipmentscan.Spec(),
		shipmentreceipt.Spec(),
		shipmentcancel.Spec(),
		shipmenttrack.Spec(),
		stationput.Spec(),
		stationlist.Spec(),
		itemlist.Spec(),
		quote.Spec(),
		rates.Spec(),
		imageupload.Spec(),
		imagelist.Spec(),
		waybillimageingest.Spec(),
		scanfileingest.Spec(),
		stalesweep.Spec(),
		autoreceipt.Spec(),
		dailyreport.Spec(),
		housekeeping.Spec(),
		webhookendpoints.Spec(),
		webhookdispatch.Spec(),
		console.Spec(),
	}
}
