// Command station-list runs the station-list function on any platform.
package main

import (
	stationlist "github.com/logifn/logifn/functions/station-list"
	"github.com/logifn/logifn/shared/app"
)

func main() { app.Main(stationlist.Spec()) }
