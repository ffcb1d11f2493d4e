// Command item-list runs the item-list function on any platform.
package main

import (
	itemlist "github.com/logifn/logifn/functions/item-list"
	"github.com/logifn/logifn/shared/app"
)

func main() { app.Main(itemlist.Spec()) }
