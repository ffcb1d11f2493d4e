// Command shipment-track runs the shipment-track function on any platform.
package main

import (
	shipmenttrack "github.com/logifn/logifn/functions/shipment-track"
	"github.com/logifn/logifn/shared/app"
)

func main() { app.Main(shipmenttrack.Spec()) }
