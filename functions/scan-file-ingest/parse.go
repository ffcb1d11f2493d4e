package scanfileingest

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/logifn/logifn/shared/domain"
	"github.com/logifn/logifn/shared/store"
)

// The outcomes of a line, as the report names them.
const (
	OutcomeCreated           = "created"            // recorded: it moved the shipment, or joined its timeline late
	OutcomeDuplicate         = "duplicate"          // the same scan as one recorded already (from a file or the API)
	OutcomeInvalid           = "invalid"            // unreadable, or a value fails validation
	OutcomeUnknownWaybill    = "unknown_waybill"    // no such shipment in the tenant
	OutcomeIllegalTransition = "illegal_transition" // the transition table forbids the move
)

// maxActorLen bounds a line's actor, as the schema does.
const maxActorLen = 128

// line is one line of a scan file, parsed and checked as far as that can
// be done without its shipment. A line settled already (invalid) carries
// its outcome; a blank line carries nothing and is not reported.
type line struct {
	no      int64 // within the chunk
	end     int64 // the offset after it
	blank   bool
	waybill string // as written, for the report
	wb      domain.Waybill
	scan    domain.Scan
	actor   string
	outcome string
	reason  string
}

// record is a line's fields, as a JSON Lines object has them.
type record struct {
	Waybill        string `json:"waybill"`
	Type           string `json:"type"`
	Station        string `json:"station"`
	OccurredAt     string `json:"occurred_at"`
	Actor          string `json:"actor"`
	IncidentReason string `json:"incident_reason"`
	Note           string `json:"note"`
}

// lineParser turns a file's raw lines into lines.
type lineParser struct {
	format   string
	cols     csvColumns
	station  string          // the station the file's key names
	stations map[string]bool // the tenant's stations
	now      func() time.Time
}

// parse reads raw and checks everything a line can be checked for alone.
func (p *lineParser) parse(raw rawLine) line {
	l := line{no: raw.No, end: raw.End}
	switch {
	case raw.TooLong:
		return l.invalid("the line is longer than %d bytes", MaxLineBytes)
	case len(bytes.TrimSpace(raw.Text)) == 0:
		l.blank = true
		return l
	case !utf8.Valid(raw.Text):
		l.waybill = firstField(raw.Text)
		return l.invalid("the line is not UTF-8 text; save the file as UTF-8")
	}
	rec, err := p.record(string(raw.Text))
	if err != nil {
		l.waybill = firstField(raw.Text)
		return l.invalid("%s", err.Error())
	}
	l.waybill = strings.TrimSpace(rec.Waybill)
	if reason := p.check(&l, rec); reason != "" {
		l.outcome, l.reason = OutcomeInvalid, reason
	}
	return l
}

func (l line) invalid(format string, args ...any) line {
	l.outcome, l.reason = OutcomeInvalid, fmt.Sprintf(format, args...)
	return l
}

// record splits a line into its fields.
func (p *lineParser) record(text string) (record, error) {
	if p.format == store.ScanFileJSONL {
		return jsonRecord(text)
	}
	fields, err := splitCSV(text)
	if err != nil {
		return record{}, err
	}
	if len(fields) != p.cols.n {
		return record{}, fmt.Errorf("the line has %d fields, the header %d", len(fields), p.cols.n)
	}
	c := p.cols
	return record{Waybill: c.get(fields, colWaybill), Type: c.get(fields, colType), Station: c.get(fields, colStation),
		OccurredAt: c.get(fields, colOccurredAt), Actor: c.get(fields, colActor),
		IncidentReason: c.get(fields, colIncidentReason), Note: c.get(fields, colNote)}, nil
}

// jsonRecord decodes one JSON Lines object strictly: string values, known
// keys, nothing after it.
func jsonRecord(text string) (record, error) {
	var rec record
	dec := json.NewDecoder(strings.NewReader(text))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&rec); err != nil {
		return record{}, fmt.Errorf("the line is not a JSON object of string fields: %s", jsonProblem(err))
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return record{}, errors.New("the line holds more than one JSON value")
	}
	return rec, nil
}

// jsonProblem describes a decoding error without echoing the input.
func jsonProblem(err error) string {
	var typeErr *json.UnmarshalTypeError
	var syntaxErr *json.SyntaxError
	switch {
	case errors.As(err, &typeErr) && typeErr.Field == "":
		return "the line is a JSON " + typeErr.Value + ", not an object"
	case errors.As(err, &typeErr):
		return fmt.Sprintf("%s must be a string", typeErr.Field)
	case errors.As(err, &syntaxErr):
		return fmt.Sprintf("malformed JSON at byte %d", syntaxErr.Offset)
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		return "unknown field " + clipText(strings.TrimPrefix(err.Error(), "json: unknown field "), 40)
	}
	return "malformed JSON"
}

// check validates rec into l as the HTTP scan is validated, and more: a
// file states when each scan happened and who made it, and records scans
// at its own station only, as a courier's or an operator's token does. It
// returns why the line is invalid, or "".
func (p *lineParser) check(l *line, rec record) string {
	wb, err := domain.ParseWaybill(rec.Waybill)
	if err != nil {
		return "waybill: " + reasonOf(err)
	}
	l.wb = wb
	occurred := strings.TrimSpace(rec.OccurredAt)
	if occurred == "" {
		return "occurred_at: is required"
	}
	at, err := time.Parse(time.RFC3339Nano, occurred)
	if err != nil {
		return "occurred_at: must be an RFC 3339 time such as 2026-01-02T15:04:05+08:00"
	}
	l.actor = strings.TrimSpace(rec.Actor)
	var probs domain.Problems
	domain.CheckText(&probs, "actor", l.actor, maxActorLen, true)
	if err := probs.Err(); err != nil {
		return reasonOf(err)
	}
	l.scan = domain.Scan{Type: domain.ScanType(strings.TrimSpace(rec.Type)), Station: rec.Station, OccurredAt: at,
		IncidentReason: rec.IncidentReason, Note: rec.Note}
	if err := l.scan.Validate(p.now()); err != nil {
		return reasonOf(err)
	}
	switch {
	case !p.stations[l.scan.Station]:
		return "station: no station " + l.scan.Station + " in this tenant"
	case l.scan.Station != p.station:
		return "station: the file belongs to station " + p.station + " and records scans there only, not at " + l.scan.Station
	}
	return ""
}

// reasonOf is a domain error's safe message, with its field problems.
func reasonOf(err error) string {
	var de *domain.Error
	if !errors.As(err, &de) {
		return "the line could not be read"
	}
	if de.Kind != domain.KindUnprocessable || len(de.Details) == 0 {
		return de.Message
	}
	parts := make([]string, len(de.Details))
	for i, d := range de.Details {
		parts[i] = d.Field + ": " + d.Message
	}
	return strings.Join(parts, "; ")
}

// firstField guesses the waybill of a line that cannot be parsed, for the
// report: its text up to the first comma or 32 bytes.
func firstField(text []byte) string {
	if i := bytes.IndexByte(text, ','); i >= 0 {
		text = text[:i]
	}
	if len(text) > 32 {
		text = text[:32]
	}
	return strings.TrimSpace(string(text))
}
