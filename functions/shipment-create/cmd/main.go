// Command shipment-create runs the shipment-create function on any platform.
package main

import (
	shipmentcreate "github.com/logifn/logifn/functions/shipment-create"
	"github.com/logifn/logifn/shared/app"
	"github.com/logifn/logifn/shared/app/kick"
)

func main() { app.Main(shipmentcreate.Spec(), kick.Backends) }
