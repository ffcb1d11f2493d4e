package waybillimageingest

import (
	"bytes"
	"image"
	"image/jpeg"

	"golang.org/x/image/draw"
)

// thumbnailSide is the longest side of a thumbnail, in pixels.
const thumbnailSide = 320

// thumbnail returns img fitted into thumbnailSide × thumbnailSide (never
// enlarged) over white, as a JPEG.
func thumbnail(img image.Image) ([]byte, error) {
	b := img.Bounds()
	long := max(b.Dx(), b.Dy())
	w, h := b.Dx(), b.Dy()
	if long > thumbnailSide {
		w, h = max(1, w*thumbnailSide/long), max(1, h*thumbnailSide/long)
	}
	dst := image.NewRGBA(image.Rect(0, 0, w, h))
	draw.Draw(dst, dst.Rect, image.White, image.Point{}, draw.Src)
	// BiLinear, unlike ApproxBiLinear, averages every source pixel when
	// shrinking, so fine print does not turn into moiré; but that is most
	// of the work for a whole photo. A quick pass down to twice the size
	// first keeps most of the smoothness for a fraction of the time.
	var src image.Image = img
	if long > 2*thumbnailSide {
		mid := image.NewRGBA(image.Rect(0, 0, 2*w, 2*h))
		draw.Draw(mid, mid.Rect, image.White, image.Point{}, draw.Src)
		draw.ApproxBiLinear.Scale(mid, mid.Rect, img, b, draw.Over, nil)
		src, b = mid, mid.Rect
	}
	draw.BiLinear.Scale(dst, dst.Rect, src, b, draw.Over, nil)
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, dst, &jpeg.Options{Quality: 80}); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}
