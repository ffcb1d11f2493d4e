// Command station-put runs the station-put function on any platform.
package main

import (
	stationput "github.com/logifn/logifn/functions/station-put"
	"github.com/logifn/logifn/shared/app"
	"github.com/logifn/logifn/shared/app/kick"
)

func main() { app.Main(stationput.Spec(), kick.Backends) }
