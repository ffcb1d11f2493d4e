// Command image-list runs the image-list function on any platform.
package main

import (
	imagelist "github.com/logifn/logifn/functions/image-list"
	"github.com/logifn/logifn/shared/app"
	"github.com/logifn/logifn/shared/app/storage"
)

func main() { app.Main(imagelist.Spec(), storage.Backends) }
