package waybillimageingest

import (
	"bytes"
	"fmt"
	"image"
	"image/draw"
	"image/jpeg"
	"image/png"
)

// Limits bound what the function decodes. Both are checked before any
// pixel is decoded: bytes from the event and the object's size, and again
// while reading; pixels from the image header. A decoded photo takes about
// four bytes per pixel, up to eight for 16-bit PNGs.
type Limits struct {
	MaxBytes  int64 // the largest object read
	MaxPixels int64 // the most pixels (width × height) decoded
}

// DefaultLimits fit the 1 GiB the function asks for: a 48-megapixel phone
// photo saves at about 12 megapixels and 2 to 8 MiB.
var DefaultLimits = Limits{MaxBytes: 15 << 20, MaxPixels: 40_000_000}

// Why photos are rejected before or while decoding.
const (
	reasonTooLarge      = "too_large"       // more bytes than Limits.MaxBytes
	reasonNotAnImage    = "not_an_image"    // neither a JPEG nor a PNG
	reasonTooManyPixels = "too_many_pixels" // the header announces more than Limits.MaxPixels
	reasonCorrupt       = "corrupt_image"   // a JPEG or PNG with a broken header or pixels (truncated ...)
)

// rejection is a photo refused before or while decoding, with what is known
// of it.
type rejection struct {
	reason        string
	format        string
	width, height int
}

func (r *rejection) Error() string { return "photo rejected: " + r.reason }

// decodePhoto checks data's header and decodes it: a JPEG or PNG of at most
// max pixels. It returns the image and its format ("jpeg" or "png"), or a
// *rejection.
func decodePhoto(data []byte, max Limits) (image.Image, string, error) {
	if int64(len(data)) > max.MaxBytes {
		return nil, "", &rejection{reason: reasonTooLarge}
	}
	cfg, format, err := image.DecodeConfig(bytes.NewReader(data))
	if format != "jpeg" && format != "png" {
		return nil, "", &rejection{reason: reasonNotAnImage}
	}
	rej := &rejection{format: format, width: cfg.Width, height: cfg.Height}
	if err != nil {
		rej.reason = reasonCorrupt
		return nil, format, rej
	}
	if int64(cfg.Width)*int64(cfg.Height) > max.MaxPixels {
		rej.reason = reasonTooManyPixels
		return nil, format, rej
	}
	img, err := decodeChecked(data, format)
	if err != nil {
		rej.reason = reasonCorrupt
		return nil, format, rej
	}
	return img, format, nil
}

// decodeChecked decodes data with the decoder of format. A decoder that
// panics on hostile input fails like one that returns an error.
func decodeChecked(data []byte, format string) (img image.Image, err error) {
	defer func() {
		if v := recover(); v != nil {
			img, err = nil, fmt.Errorf("decode %s: panic: %v", format, v)
		}
	}()
	if format == "png" {
		return png.Decode(bytes.NewReader(data))
	}
	return jpeg.Decode(bytes.NewReader(data))
}

// toGray returns img's luminance, transparent pixels as white. A JPEG's
// luminance is its Y plane, shared rather than copied.
func toGray(img image.Image) *image.Gray {
	switch m := img.(type) {
	case *image.Gray:
		return m
	case *image.YCbCr:
		return &image.Gray{Pix: m.Y, Stride: m.YStride, Rect: m.Rect}
	case *image.NRGBA:
		return grayFromRGBA(m.Pix, m.Stride, m.Rect, false)
	case *image.RGBA:
		return grayFromRGBA(m.Pix, m.Stride, m.Rect, true)
	}
	g := image.NewGray(img.Bounds())
	draw.Draw(g, g.Rect, image.White, image.Point{}, draw.Src)
	draw.Draw(g, g.Rect, img, img.Bounds().Min, draw.Over)
	return g
}

// grayFromRGBA converts 8-bit RGBA pixels, alpha-premultiplied or not, to
// luminance over a white background, with the weights of color.GrayModel.
func grayFromRGBA(pix []byte, stride int, r image.Rectangle, premultiplied bool) *image.Gray {
	g := image.NewGray(r)
	w := r.Dx()
	for y := 0; y < r.Dy(); y++ {
		src, dst := pix[y*stride:y*stride+4*w], g.Pix[y*g.Stride:y*g.Stride+w]
		for x := range dst {
			p := src[4*x : 4*x+4 : 4*x+4]
			lum := (19595*uint32(p[0]) + 38470*uint32(p[1]) + 7471*uint32(p[2]) + 1<<15) >> 16
			a := uint32(p[3])
			if premultiplied {
				dst[x] = uint8(lum + 255 - a)
			} else {
				dst[x] = uint8((lum*a + 255*(255-a)) / 255)
			}
		}
	}
	return g
}
