// Command housekeeping runs the housekeeping function on any platform.
package main

import (
	"github.com/logifn/logifn/functions/housekeeping"
	"github.com/logifn/logifn/shared/app"
	"github.com/logifn/logifn/shared/app/kick"
)

func main() { app.Main(housekeeping.Spec(), kick.Backends) }
