// Command console runs the console function on any platform.
package main

import (
	"github.com/logifn/logifn/functions/console"
	"github.com/logifn/logifn/shared/app"
)

func main() { app.Main(console.Spec()) }
