// Command stale-sweep runs the stale-sweep function on any platform.
package main

import (
	stalesweep "github.com/logifn/logifn/functions/stale-sweep"
	"github.com/logifn/logifn/shared/app"
	"github.com/logifn/logifn/shared/app/kick"
)

func main() { app.Main(stalesweep.Spec(), kick.Backends) }
