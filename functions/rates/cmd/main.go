// Command rates runs the rates function on any platform.
package main

import (
	"github.com/logifn/logifn/functions/rates"
	"github.com/logifn/logifn/shared/app"
	"github.com/logifn/logifn/shared/app/kick"
)

func main() { app.Main(rates.Spec(), kick.Backends) }
