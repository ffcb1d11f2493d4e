// Command auto-receipt runs the auto-receipt function on any platform.
package main

import (
	autoreceipt "github.com/logifn/logifn/functions/auto-receipt"
	"github.com/logifn/logifn/shared/app"
	"github.com/logifn/logifn/shared/app/kick"
)

func main() { app.Main(autoreceipt.Spec(), kick.Backends) }
