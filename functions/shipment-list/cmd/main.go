// Command shipment-list runs the shipment-list function on any platform.
package main

import (
	shipmentlist "github.com/logifn/logifn/functions/shipment-list"
	"github.com/logifn/logifn/shared/app"
)

func main() { app.Main(shipmentlist.Spec()) }
