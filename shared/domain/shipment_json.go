package domain

import (
	"strconv"
	"unicode/utf8"
)

// AppendShipmentJSON appends sh as JSON to b: byte for byte what
// json.Marshal writes for it, without reflection. Listings encode many
// shipments, and the reflective encoder costs more than the rest of a
// listing's work. The error is that of a time json.Marshal cannot encode
// either. It is a function, not a method: a method would be promoted to
// every type that embeds a Shipment, which would then seem to encode
// itself while leaving out its own fields.
func AppendShipmentJSON(b []byte, sh *Shipment) ([]byte, error) {
	b = append(b, `{"waybill":`...)
	b = AppendJSONString(b, string(sh.Waybill))
	b = append(b, `,"customer_id":`...)
	b = AppendJSONString(b, sh.CustomerID)
	b = append(b, `,"sender":`...)
	b = sh.Sender.appendJSON(b)
	b = append(b, `,"receiver":`...)
	b = sh.Receiver.appendJSON(b)
	b = append(b, `,"items":`...)
	b = appendItems(b, sh.Items)
	b = append(b, `,"service_level":`...)
	b = AppendJSONString(b, string(sh.ServiceLevel))
	b = append(b, `,"origin_station":`...)
	b = AppendJSONString(b, sh.OriginStation)
	b = append(b, `,"destination_station":`...)
	b = AppendJSONString(b, sh.DestinationStation)
	b = append(b, `,"currency":`...)
	b = AppendJSONString(b, sh.Currency)
	b = append(b, `,"fee":`...)
	b = sh.Fee.appendJSON(b)
	b = append(b, `,"chargeable_weight_g":`...)
	b = strconv.AppendInt(b, sh.ChargeableWeightG, 10)
	b = append(b, `,"status":`...)
	b = AppendJSONString(b, string(sh.Status))
	b = append(b, `,"version":`...)
	b = strconv.AppendInt(b, sh.Version, 10)
	b = append(b, `,"created_at":"`...)
	b, err := sh.CreatedAt.AppendText(b)
	if err != nil {
		return nil, err
	}
	b = append(b, `","updated_at":"`...)
	if b, err = sh.UpdatedAt.AppendText(b); err != nil {
		return nil, err
	}
	return append(b, `"}`...), nil
}

func (p *Party) appendJSON(b []byte) []byte {
	b = append(b, `{"name":`...)
	b = AppendJSONString(b, p.Name)
	b = append(b, `,"phone":`...)
	b = AppendJSONString(b, p.Phone)
	b = append(b, `,"address":{"province":`...)
	b = AppendJSONString(b, p.Address.Province)
	b = append(b, `,"city":`...)
	b = AppendJSONString(b, p.Address.City)
	if p.Address.District != "" {
		b = append(b, `,"district":`...)
		b = AppendJSONString(b, p.Address.District)
	}
	b = append(b, `,"detail":`...)
	b = AppendJSONString(b, p.Address.Detail)
	return append(b, `}}`...)
}

// appendItems writes items as json.Marshal does: null when nil.
func appendItems(b []byte, items []Item) []byte {
	if items == nil {
		return append(b, "null"...)
	}
	b = append(b, '[')
	for i := range items {
		if i > 0 {
			b = append(b, ',')
		}
		b = items[i].appendJSON(b)
	}
	return append(b, ']')
}

func (it *Item) appendJSON(b []byte) []byte {
	b = append(b, `{"name":`...)
	b = AppendJSONString(b, it.Name)
	b = append(b, `,"quantity":`...)
	b = strconv.AppendInt(b, int64(it.Quantity), 10)
	b = append(b, `,"weight_g":`...)
	b = strconv.AppendInt(b, it.WeightG, 10)
	for _, size := range [...]struct {
		key string
		v   int64
	}{{`,"length_mm":`, it.LengthMM}, {`,"width_mm":`, it.WidthMM}, {`,"height_mm":`, it.HeightMM}} {
		if size.v != 0 {
			b = append(b, size.key...)
			b = strconv.AppendInt(b, size.v, 10)
		}
	}
	b = append(b, `,"declared_value":`...)
	b = it.DeclaredValue.appendJSON(b)
	return append(b, '}')
}

// AppendJSONString appends s as a JSON string to b, escaped as json.Marshal
// escapes it: quotes, backslashes and control characters; <, > and & as
// \u003c, \u003e and \u0026; U+2028 and U+2029; and each byte that is not
// UTF-8 as \ufffd.
func AppendJSONString(b []byte, s string) []byte {
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if jsonPlain(c) {
				i++
				continue
			}
			b = append(b, s[start:i]...)
			b = appendEscapedASCII(b, c)
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		var esc string
		switch {
		case r == utf8.RuneError && size == 1:
			esc = `\ufffd`
		case r == '\u2028':
			esc = `\u2028`
		case r == '\u2029':
			esc = `\u2029`
		default:
			i += size
			continue
		}
		b = append(b, s[start:i]...)
		b = append(b, esc...)
		i += size
		start = i
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}

// jsonPlain reports whether the ASCII byte c stands for itself in a JSON
// string that is safe to embed in HTML.
func jsonPlain(c byte) bool {
	return c >= ' ' && c != '"' && c != '\\' && c != '<' && c != '>' && c != '&'
}

const lowerHex = "0123456789abcdef"

func appendEscapedASCII(b []byte, c byte) []byte {
	switch c {
	case '"', '\\':
		return append(b, '\\', c)
	case '\b':
		return append(b, '\\', 'b')
	case '\f':
		return append(b, '\\', 'f')
	case '\n':
		return append(b, '\\', 'n')
	case '\r':
		return append(b, '\\', 'r')
	case '\t':
		return append(b, '\\', 't')
	}
	return append(b, '\\', 'u', '0', '0', lowerHex[c>>4], lowerHex[c&0xF])
}
