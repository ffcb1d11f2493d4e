package scanfileingest

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"strings"
)

// MaxLineBytes is the longest line a scan file may have, line ending
// included. A longer line is an invalid line; its bytes are skipped, never
// held in memory.
const MaxLineBytes = 64 << 10

// utf8BOM starts some files written on Windows.
var utf8BOM = []byte{0xEF, 0xBB, 0xBF}

// rawLine is one line of a byte range as read: its number within the
// range, where it starts and where the next one does, and its text without
// the line ending (valid until the next read; empty when TooLong).
type rawLine struct {
	No      int64
	Offset  int64
	End     int64
	Text    []byte
	TooLong bool
}

// lineReader reads a byte range of a file line by line, with bounded
// memory whatever the range holds.
type lineReader struct {
	r    *bufio.Reader
	off  int64 // where the next line starts
	no   int64 // the number of the last line read
	skip []byte
}

// newLineReader reads lines from r, whose first byte is at offset off of
// the file and whose first line is number lines+1 of the range.
func newLineReader(r io.Reader, off, lines int64) *lineReader {
	return &lineReader{r: bufio.NewReaderSize(r, MaxLineBytes), off: off, no: lines}
}

// next returns the next line, or io.EOF after the last. A last line
// without a line ending counts. Other errors are the reader's.
func (lr *lineReader) next() (rawLine, error) {
	text, err := lr.r.ReadSlice('\n')
	n := int64(len(text))
	tooLong := false
	if errors.Is(err, bufio.ErrBufferFull) {
		tooLong = true
		for errors.Is(err, bufio.ErrBufferFull) {
			var more []byte
			more, err = lr.r.ReadSlice('\n')
			n += int64(len(more))
		}
	}
	switch {
	case err == io.EOF && n == 0:
		return rawLine{}, io.EOF
	case err != nil && err != io.EOF:
		return rawLine{}, err
	}
	lr.no++
	line := rawLine{No: lr.no, Offset: lr.off, End: lr.off + n, TooLong: tooLong}
	lr.off += n
	if !tooLong {
		text = bytes.TrimSuffix(text, []byte("\n"))
		line.Text = bytes.TrimSuffix(text, []byte("\r"))
		if line.Offset == 0 {
			line.Text = bytes.TrimPrefix(line.Text, utf8BOM)
		}
	}
	return line, nil
}

// errBareQuote and its kin explain why a CSV line cannot be split.
var (
	errBareQuote       = errors.New(`a field has a " that does not open or close a quoted field`)
	errUnclosedQuote   = errors.New("a quoted field is not closed on its line (fields may not span lines)")
	errAfterCloseQuote = errors.New(`a quoted field's closing " is followed by something other than a comma`)
)

// splitCSV splits one CSV line (RFC 4180, within the line) into its fields.
func splitCSV(line string) ([]string, error) {
	var fields []string
	for {
		if line == "" || line[0] != '"' {
			i := strings.IndexByte(line, ',')
			field := line
			if i >= 0 {
				field = line[:i]
			}
			if strings.IndexByte(field, '"') >= 0 {
				return nil, errBareQuote
			}
			fields = append(fields, field)
			if i < 0 {
				return fields, nil
			}
			line = line[i+1:]
			continue
		}
		field, rest, err := quotedField(line[1:])
		if err != nil {
			return nil, err
		}
		fields = append(fields, field)
		if rest == "" {
			return fields, nil
		}
		if rest[0] != ',' {
			return nil, errAfterCloseQuote
		}
		line = rest[1:]
	}
}

// quotedField reads a quoted field's content from s, just after its
// opening quote, and returns it unescaped with what follows its closing quote.
func quotedField(s string) (field, rest string, err error) {
	var b []byte
	for {
		i := strings.IndexByte(s, '"')
		if i < 0 {
			return "", "", errUnclosedQuote
		}
		b = append(b, s[:i]...)
		s = s[i+1:]
		if s != "" && s[0] == '"' {
			b = append(b, '"')
			s = s[1:]
			continue
		}
		return string(b), s, nil
	}
}

func hasKey(m map[string]int, k string) bool {
	_, ok := m[k]
	return ok
}

// The columns of a scan file, as a CSV header names them and JSON Lines
// objects' keys do.
const (
	colWaybill        = "waybill"
	colType           = "type"
	colStation        = "station"
	colOccurredAt     = "occurred_at"
	colActor          = "actor"
	colIncidentReason = "incident_reason"
	colNote           = "note"
)

var (
	requiredColumns = []string{colWaybill, colType, colStation, colOccurredAt, colActor}
	optionalColumns = []string{colIncidentReason, colNote}
)

// csvColumns maps column names to their positions in a CSV file's rows.
type csvColumns struct {
	index map[string]int
	n     int
}

// parseHeader reads a CSV header line. It must name every required column
// once, and no column logifn does not know (a misspelt optional column
// would otherwise lose its values without a word).
func parseHeader(line string) (csvColumns, error) {
	names, err := splitCSV(line)
	if err != nil {
		return csvColumns{}, fmt.Errorf("the header row cannot be read: %w", err)
	}
	known := map[string]bool{}
	for _, c := range append(append([]string{}, requiredColumns...), optionalColumns...) {
		known[c] = true
	}
	cols := csvColumns{index: map[string]int{}, n: len(names)}
	for i, name := range names {
		name = strings.TrimSpace(name)
		switch {
		case !known[name]:
			return csvColumns{}, fmt.Errorf("the header row names an unknown column %q; the columns are waybill, type, station, occurred_at, actor, incident_reason and note", clipText(name, 40))
		case hasKey(cols.index, name):
			return csvColumns{}, fmt.Errorf("the header row names column %s twice", name)
		}
		cols.index[name] = i
	}
	for _, c := range requiredColumns {
		if _, ok := cols.index[c]; !ok {
			return csvColumns{}, fmt.Errorf("the header row lacks column %s", c)
		}
	}
	return cols, nil
}

// get returns the field of column name in fields, "" when the file has no
// such column.
func (c csvColumns) get(fields []string, name string) string {
	i, ok := c.index[name]
	if !ok {
		return ""
	}
	return fields[i]
}
