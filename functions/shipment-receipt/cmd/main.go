// Command shipment-receipt runs the shipment-receipt function on any platform.
package main

import (
	shipmentreceipt "github.com/logifn/logifn/functions/shipment-receipt"
	"github.com/logifn/logifn/shared/app"
	"github.com/logifn/logifn/shared/app/kick"
)

func main() { app.Main(shipmentreceipt.Spec(), kick.Backends) }
