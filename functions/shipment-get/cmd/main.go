// Command shipment-get runs the shipment-get function on any platform.
package main

import (
	shipmentget "github.com/logifn/logifn/functions/shipment-get"
	"github.com/logifn/logifn/shared/app"
)

func main() { app.Main(shipmentget.Spec()) }
