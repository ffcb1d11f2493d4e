// Command webhook-endpoints runs the webhook-endpoints function on any platform.
package main

import (
	webhookendpoints "github.com/logifn/logifn/functions/webhook-endpoints"
	"github.com/logifn/logifn/shared/app"
	"github.com/logifn/logifn/shared/app/kick"
)

func main() { app.Main(webhookendpoints.Spec(), kick.Backends) }
