package scanfileingest

import (
	"strings"

	"github.com/logifn/logifn/shared/blob"
	"github.com/logifn/logifn/shared/domain"
	"github.com/logifn/logifn/shared/store"
)

// The prefixes of scan files and of their reports. Reports live apart
// from scans/, so that writing one never fires this function again.
const (
	ScansPrefix   = "scans/"
	ResultsPrefix = "scan-results/"
)

// ReportSuffix ends the key of every report.
const ReportSuffix = ".report.csv"

// fileRef is what a scan file's key says:
// scans/{tenant}/{station}/{name}.csv or .jsonl. Objects carry no token:
// the tenant comes from the key, and only from it.
type fileRef struct {
	Key     string
	Tenant  string
	Station string
	Format  string
}

// parseKey reads a scan file's key strictly: anything else, such as a
// "..", an empty segment, a deeper or shallower path or another
// extension, is invalid.
func parseKey(key string) (fileRef, error) {
	if err := blob.CheckKey(key); err != nil {
		return fileRef{}, err
	}
	bad := func(why string) error {
		return domain.Errorf(domain.KindInvalid, "invalid_scan_key",
			"object key %q is not a scan file (scans/{tenant}/{station}/{name}.csv or .jsonl): %s", clipText(key, 120), why)
	}
	parts := strings.Split(key, "/")
	if len(parts) != 4 || parts[0]+"/" != ScansPrefix {
		return fileRef{}, bad("wrong number of segments")
	}
	ref := fileRef{Key: key, Tenant: parts[1], Station: parts[2]}
	name := parts[3]
	switch {
	case strings.HasSuffix(name, ".csv") && len(name) > len(".csv"):
		ref.Format = store.ScanFileCSV
	case strings.HasSuffix(name, ".jsonl") && len(name) > len(".jsonl"):
		ref.Format = store.ScanFileJSONL
	default:
		return fileRef{}, bad("the name must end in .csv or .jsonl")
	}
	switch {
	case !domain.ValidID(ref.Tenant):
		return fileRef{}, bad("the tenant segment is malformed")
	case !domain.ValidStationCode(ref.Station):
		return fileRef{}, bad("the station segment is not a station code")
	}
	return ref, nil
}

// reportKey is where the report of the scan file at key goes.
func reportKey(key string) string {
	return ResultsPrefix + strings.TrimPrefix(key, ScansPrefix) + ReportSuffix
}

// clipText cuts s to at most n bytes on a character boundary, marking the cut.
func clipText(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8RuneStart(s[n]) {
		n--
	}
	return s[:n] + "…"
}

func utf8RuneStart(b byte) bool { return b&0xC0 != 0x80 }
