// Command shipment-scan runs the shipment-scan function on any platform.
package main

import (
	shipmentscan "github.com/logifn/logifn/functions/shipment-scan"
	"github.com/logifn/logifn/shared/app"
	"github.com/logifn/logifn/shared/app/kick"
)

func main() { app.Main(shipmentscan.Spec(), kick.Backends) }
