package waybillimageingest_test

import (
	"bytes"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/makiuchi-d/gozxing"
	"github.com/makiuchi-d/gozxing/oned"
	"github.com/makiuchi-d/gozxing/qrcode"
	"golang.org/x/image/draw"
	"golang.org/x/image/math/f64"
)

// shot describes a generated photo of a parcel label: a barcode of Content
// rendered on a white label with lines of fake print, pasted on a cardboard
// background full of print-like clutter, scaled, turned a little, noised
// and saved as a JPEG, as a phone would.
type shot struct {
	Content       string
	QR            bool    // a QR code instead of Code 128
	Blank         bool    // no barcode at all
	Width, Height int     // the photo, default 1200 × 900
	Scale         float64 // of the label, default 1
	Angle         float64 // of the label, in degrees
	Noise         int     // ± per channel, default 12
	Quality       int     // JPEG quality, default 70
	PNG           bool    // saved as a PNG instead
	Seed          uint64
}

// randomShot returns a shot of content with the label scaled 0.7–1.3,
// turned ±3°, noised and compressed at quality 60–80, all from seed.
func randomShot(content string, qr bool, seed uint64) shot {
	rng := rand.New(rand.NewPCG(seed, 1))
	return shot{Content: content, QR: qr, Seed: seed, Scale: 0.7 + 0.6*rng.Float64(), Angle: -3 + 6*rng.Float64(),
		Noise: 8 + rng.IntN(10), Quality: 60 + rng.IntN(21)}
}

// photo renders s as JPEG (or PNG) bytes.
func photo(t testing.TB, s shot) []byte {
	t.Helper()
	s = s.withDefaults()
	rng := rand.New(rand.NewPCG(s.Seed, 2))
	canvas := image.NewRGBA(image.Rect(0, 0, s.Width, s.Height))
	draw.Draw(canvas, canvas.Rect, image.NewUniform(color.RGBA{186, 150, 108, 255}), image.Point{}, draw.Src)
	scribble(canvas, rng, 60, color.RGBA{70, 50, 30, 255})
	lbl := label(t, s, rng)
	paste(canvas, lbl, s, rng)
	addNoise(canvas, rng, s.Noise)
	var buf bytes.Buffer
	err := jpeg.Encode(&buf, canvas, &jpeg.Options{Quality: s.Quality})
	if s.PNG {
		buf.Reset()
		err = png.Encode(&buf, canvas)
	}
	if err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func (s shot) withDefaults() shot {
	if s.Width == 0 {
		s.Width, s.Height = 1200, 900
	}
	if s.Scale == 0 {
		s.Scale = 1
	}
	if s.Noise == 0 {
		s.Noise = 12
	}
	if s.Quality == 0 {
		s.Quality = 70
	}
	return s
}

// label renders the white label: the barcode above lines of fake print.
func label(t testing.TB, s shot, rng *rand.Rand) *image.RGBA {
	lbl := image.NewRGBA(image.Rect(0, 0, 520, 360))
	draw.Draw(lbl, lbl.Rect, image.White, image.Point{}, draw.Src)
	scribble(lbl, rng, 6, color.RGBA{30, 30, 30, 255})
	if s.Blank {
		return lbl
	}
	code := barcode(t, s.Content, s.QR)
	at := image.Pt((lbl.Rect.Dx()-code.Bounds().Dx())/2, 20)
	draw.Draw(lbl, code.Bounds().Add(at), code, image.Point{}, draw.Src)
	return lbl
}

// barcode renders content as Code 128 with modules 3 pixels wide, or as a
// QR code 180 pixels square.
func barcode(t testing.TB, content string, qr bool) image.Image {
	var (
		m   *gozxing.BitMatrix
		err error
	)
	if qr {
		m, err = qrcode.NewQRCodeWriter().Encode(content, gozxing.BarcodeFormat_QR_CODE, 180, 180, nil)
	} else {
		var min *gozxing.BitMatrix
		w := oned.NewCode128Writer()
		if min, err = w.Encode(content, gozxing.BarcodeFormat_CODE_128, 0, 1, nil); err == nil {
			m, err = w.Encode(content, gozxing.BarcodeFormat_CODE_128, 3*min.GetWidth(), 110, nil)
		}
	}
	if err != nil {
		t.Fatalf("render barcode %q: %v", content, err)
	}
	return m
}

// scribble draws lines of short dark strokes, like print seen from afar.
func scribble(img *image.RGBA, rng *rand.Rand, lines int, ink color.RGBA) {
	b := img.Rect
	for range lines {
		y := b.Min.Y + rng.IntN(b.Dy())
		x := b.Min.X + rng.IntN(b.Dx()/2)
		for w := 0; w < 6+rng.IntN(20); w++ {
			word := image.Rect(x, y, x+4+rng.IntN(30), y+6+rng.IntN(6))
			draw.Draw(img, word.Intersect(b), image.NewUniform(ink), image.Point{}, draw.Src)
			x = word.Max.X + 4 + rng.IntN(8)
		}
	}
}

// paste draws lbl on canvas scaled by s.Scale, turned by s.Angle about its
// centre, somewhere it fits.
func paste(canvas, lbl *image.RGBA, s shot, rng *rand.Rand) {
	rad := s.Angle * math.Pi / 180
	sin, cos := math.Sin(rad)*s.Scale, math.Cos(rad)*s.Scale
	lw, lh := float64(lbl.Rect.Dx()), float64(lbl.Rect.Dy())
	half := math.Hypot(lw, lh) * s.Scale / 2
	cx := half + rng.Float64()*max(1, float64(canvas.Rect.Dx())-2*half)
	cy := half + rng.Float64()*max(1, float64(canvas.Rect.Dy())-2*half)
	// src -> dst: move the label's centre to the origin, scale and turn,
	// then move it to (cx, cy).
	m := f64.Aff3{
		cos, -sin, cx - cos*lw/2 + sin*lh/2,
		sin, cos, cy - sin*lw/2 - cos*lh/2,
	}
	draw.BiLinear.Transform(canvas, m, lbl, lbl.Rect, draw.Over, nil)
}

// addNoise adds uniform noise of ±n to every channel.
func addNoise(img *image.RGBA, rng *rand.Rand, n int) {
	for i := range img.Pix {
		if i%4 == 3 {
			continue
		}
		v := int(img.Pix[i]) + rng.IntN(2*n+1) - n
		img.Pix[i] = uint8(min(255, max(0, v)))
	}
}
