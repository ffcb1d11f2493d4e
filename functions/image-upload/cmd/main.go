// Command image-upload runs the image-upload function on any platform.
package main

import (
	imageupload "github.com/logifn/logifn/functions/image-upload"
	"github.com/logifn/logifn/shared/app"
	"github.com/logifn/logifn/shared/app/kick"
	"github.com/logifn/logifn/shared/app/storage"
)

func main() { app.Main(imageupload.Spec(), kick.Backends, storage.Backends) }
