package logging

import (
	"encoding/json"
	"slices"
	"strconv"
	"time"

	"github.com/logifn/logifn/shared/domain"
	"github.com/sirupsen/logrus"
)

// timestampFormat is how a JSON line writes its time: UTC offsets and
// milliseconds, as log search expects.
const timestampFormat = "2006-01-02T15:04:05.000Z07:00"

// msgKey is the JSON name of a line's message.
const msgKey = "message"

// jsonFormatter writes the bytes logrus.JSONFormatter writes (configured
// by newJSONFormatter's logrus twin), without building a map and encoding
// it by reflection: every request writes an access line, and that cost
// was a tenth of a small request's CPU. Values of the common kinds are
// written directly; any other value goes through json.Marshal on its own,
// which escapes as the logrus encoder does. Lines the fast path cannot
// reproduce exactly (caller reporting, a field named like a standard one)
// are handed to the logrus formatter itself. One difference is left: a
// field holding a function, which logrus leaves out of the line, is also
// named in a logrus_error field by logrus and left out silently here.
type jsonFormatter struct {
	logrus *logrus.JSONFormatter
}

func newJSONFormatter() *jsonFormatter {
	return &jsonFormatter{logrus: &logrus.JSONFormatter{
		TimestampFormat: timestampFormat,
		FieldMap:        logrus.FieldMap{logrus.FieldKeyMsg: msgKey},
	}}
}

// maxFastFields is how many fields a line may have for its keys to be
// sorted on the stack.
const maxFastFields = 32

// Format implements logrus.Formatter.
func (f *jsonFormatter) Format(e *logrus.Entry) ([]byte, error) {
	if e.Caller != nil || len(e.Data) > maxFastFields {
		return f.logrus.Format(e)
	}
	var stack [maxFastFields]string
	keys := stack[:0]
	for k := range e.Data {
		switch k {
		case logrus.FieldKeyTime, msgKey, logrus.FieldKeyLevel, logrus.FieldKeyLogrusError:
			return f.logrus.Format(e) // renamed to fields.<key> by logrus
		}
		keys = append(keys, k)
	}
	// The standard keys join the data's in one sorted object, as
	// encoding/json sorts a map's keys.
	keys = append(keys, logrus.FieldKeyLevel, msgKey, logrus.FieldKeyTime)
	slices.Sort(keys)

	var b []byte
	if e.Buffer != nil {
		b = e.Buffer.AvailableBuffer()
	}
	b = append(b, '{')
	for i, k := range keys {
		if i > 0 {
			b = append(b, ',')
		}
		b = domain.AppendJSONString(b, k)
		b = append(b, ':')
		switch k {
		case logrus.FieldKeyLevel:
			b = domain.AppendJSONString(b, e.Level.String())
			continue
		case msgKey:
			b = domain.AppendJSONString(b, e.Message)
			continue
		case logrus.FieldKeyTime:
			b = append(b, '"')
			b = e.Time.AppendFormat(b, timestampFormat)
			b = append(b, '"')
			continue
		}
		var err error
		if b, err = appendValue(b, e.Data[k]); err != nil {
			return f.logrus.Format(e)
		}
	}
	b = append(b, '}', '\n')
	if e.Buffer == nil {
		return b, nil
	}
	e.Buffer.Write(b)
	return e.Buffer.Bytes(), nil
}

// appendValue appends v as encoding/json writes it, errors as their text
// (as logrus does).
func appendValue(b []byte, v any) ([]byte, error) {
	switch v := v.(type) {
	case string:
		return domain.AppendJSONString(b, v), nil
	case error:
		return domain.AppendJSONString(b, v.Error()), nil
	case int:
		return strconv.AppendInt(b, int64(v), 10), nil
	case int64:
		return strconv.AppendInt(b, v, 10), nil
	case int32:
		return strconv.AppendInt(b, int64(v), 10), nil
	case uint64:
		return strconv.AppendUint(b, v, 10), nil
	case time.Duration:
		return strconv.AppendInt(b, int64(v), 10), nil
	case bool:
		return strconv.AppendBool(b, v), nil
	case nil:
		return append(b, "null"...), nil
	}
	js, err := json.Marshal(v)
	return append(b, js...), err
}
