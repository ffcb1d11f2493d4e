// Command quote runs the quote function on any platform.
package main

import (
	"github.com/logifn/logifn/functions/quote"
	"github.com/logifn/logifn/shared/app"
)

func main() { app.Main(quote.Spec()) }
