// Command daily-report runs the daily-report function on any platform.
package main

import (
	dailyreport "github.com/logifn/logifn/functions/daily-report"
	"github.com/logifn/logifn/shared/app"
	"github.com/logifn/logifn/shared/app/kick"
	"github.com/logifn/logifn/shared/app/storage"
)

func main() { app.Main(dailyreport.Spec(), kick.Backends, storage.Backends) }
