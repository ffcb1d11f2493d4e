// Command shipment-cancel runs the shipment-cancel function on any platform.
package main

import (
	shipmentcancel "github.com/logifn/logifn/functions/shipment-cancel"
	"github.com/logifn/logifn/shared/app"
	"github.com/logifn/logifn/shared/app/kick"
)

func main() { app.Main(shipmentcancel.Spec(), kick.Backends) }
