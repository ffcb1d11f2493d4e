// Command webhook-dispatch runs the webhook-dispatch function on any platform.
package main

import (
	webhookdispatch "github.com/logifn/logifn/functions/webhook-dispatch"
	"github.com/logifn/logifn/shared/app"
)

func main() { app.Main(webhookdispatch.Spec()) }
