package waybillimageingest

import (
	"fmt"
	"image"
	"strings"
	"unicode"

	"github.com/makiuchi-d/gozxing"
	"github.com/makiuchi-d/gozxing/oned"
	"github.com/makiuchi-d/gozxing/qrcode"
	"golang.org/x/image/draw"

	"github.com/logifn/logifn/shared/domain"
)

// workingSide is the longest side a photo is first read at. Phone photos
// are larger than a label needs; reading a smaller copy first is several
// times faster, and the full size is tried when it finds nothing.
const workingSide = 1600

// readHints make both readers look hard: every row, both directions,
// turned by 90 degrees (which with reading backwards covers 0, 90, 180 and
// 270), and anywhere on the photo rather than only a pure barcode. Each
// call gets its own map: readers may write to it.
func readHints() map[gozxing.DecodeHintType]interface{} {
	return map[gozxing.DecodeHintType]interface{}{
		gozxing.DecodeHintType_TRY_HARDER: true,
		gozxing.DecodeHintType_POSSIBLE_FORMATS: []gozxing.BarcodeFormat{
			gozxing.BarcodeFormat_CODE_128, gozxing.BarcodeFormat_QR_CODE,
		},
	}
}

// readBarcodes returns the text of every Code 128 and QR code it finds on
// the photo, trying the working size first, then the full size, then half
// the working size (coarse print and noise read better smaller). It stops
// as soon as a text names want.
func readBarcodes(gray *image.Gray, want domain.Waybill) ([]string, error) {
	var texts []string
	seen := map[string]bool{}
	for _, view := range views(gray) {
		found, err := readView(view(), want)
		if err != nil {
			return texts, err
		}
		for _, t := range found {
			if !seen[t] {
				seen[t] = true
				texts = append(texts, t)
			}
			if names(t, want) {
				return texts, nil
			}
		}
	}
	return texts, nil
}

// views returns the copies of gray to read, each made only when needed.
func views(gray *image.Gray) []func() *image.Gray {
	long := max(gray.Rect.Dx(), gray.Rect.Dy())
	same := func() *image.Gray { return gray }
	if long <= workingSide {
		return []func() *image.Gray{same, func() *image.Gray { return scaled(gray, long/2) }}
	}
	return []func() *image.Gray{
		func() *image.Gray { return scaled(gray, workingSide) },
		same,
		func() *image.Gray { return scaled(gray, workingSide/2) },
	}
}

// scaled returns gray with its longest side side pixels long.
func scaled(gray *image.Gray, side int) *image.Gray {
	b := gray.Rect
	long := max(b.Dx(), b.Dy())
	w, h := max(1, b.Dx()*side/long), max(1, b.Dy()*side/long)
	dst := image.NewGray(image.Rect(0, 0, w, h))
	draw.ApproxBiLinear.Scale(dst, dst.Rect, gray, b, draw.Src, nil)
	return dst
}

// readView runs the Code 128 reader, then, unless that read want, the QR
// reader on one copy of the photo and returns what they read. Readers are
// made per call: they keep state while decoding.
func readView(gray *image.Gray, want domain.Waybill) (texts []string, err error) {
	defer func() {
		// A reader that panics on a strange photo has read nothing: the
		// photo goes to review rather than failing the event for good.
		if v := recover(); v != nil {
			err = fmt.Errorf("barcode reader: panic: %v", v)
		}
	}()
	bmp, err := gozxing.NewBinaryBitmap(gozxing.NewHybridBinarizer(gozxing.NewLuminanceSourceFromImage(gray)))
	if err != nil {
		return nil, err
	}
	hints := readHints()
	for _, r := range []gozxing.Reader{oned.NewCode128Reader(), qrcode.NewQRCodeReader()} {
		if res, err := r.Decode(bmp, hints); err == nil {
			texts = append(texts, res.GetText())
			if names(res.GetText(), want) {
				break
			}
		}
	}
	return texts, nil
}

// waybillTokens returns the words of text shaped like a waybill number
// (LF and 11 digits, any case), whether or not their check digit is right.
// Words are split at anything but letters and digits, so a number inside a
// tracking URL counts.
func waybillTokens(text string) []string {
	var out []string
	for _, word := range strings.FieldsFunc(text, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) }) {
		if len(word) == domain.WaybillLen && strings.EqualFold(word[:len(domain.WaybillPrefix)], domain.WaybillPrefix) &&
			strings.Trim(word[len(domain.WaybillPrefix):], "0123456789") == "" {
			out = append(out, strings.ToUpper(word))
		}
	}
	return out
}

// names reports whether text carries waybill number w.
func names(text string, w domain.Waybill) bool {
	for _, tok := range waybillTokens(text) {
		if tok == string(w) {
			return true
		}
	}
	return false
}

// Why a photo needs review.
const (
	reasonNoBarcode         = "no_barcode"          // no Code 128 or QR code could be read
	reasonNoWaybill         = "no_waybill"          // codes were read, none holds a waybill number
	reasonInvalidCheckDigit = "invalid_check_digit" // a waybill-shaped number with a wrong check digit
	reasonMismatch          = "waybill_mismatch"    // the code names another waybill than the key
	reasonUnknownWaybill    = "unknown_waybill"     // the key names no shipment of its tenant
	reasonReaderFailed      = "reader_failed"       // the barcode reader failed on this photo
)

// verdict is what the barcodes say about a photo of waybill want: whether
// it shows want, and if not why, with the number read (checked or not).
type verdict struct {
	accepted bool
	reason   string
	decoded  string
}

// judge decides from the texts read off a photo whether it shows waybill
// want. It never guesses: another valid number, a number with a wrong check
// digit and no number at all all go to review.
func judge(want domain.Waybill, texts []string) verdict {
	var other, malformed string
	for _, text := range texts {
		for _, tok := range waybillTokens(text) {
			w, err := domain.ParseWaybill(tok)
			switch {
			case err != nil:
				malformed = first(malformed, tok)
			case w == want:
				return verdict{accepted: true, decoded: tok}
			default:
				other = first(other, tok)
			}
		}
	}
	switch {
	case other != "":
		return verdict{reason: reasonMismatch, decoded: other}
	case malformed != "":
		return verdict{reason: reasonInvalidCheckDigit, decoded: malformed}
	case len(texts) > 0:
		return verdict{reason: reasonNoWaybill}
	}
	return verdict{reason: reasonNoBarcode}
}

// first returns have, or v when have is empty: the first value wins.
func first(have, v string) string {
	if have == "" {
		return v
	}
	return have
}
