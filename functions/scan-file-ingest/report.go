package scanfileingest

import (
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"unicode"

	"github.com/logifn/logifn/shared/logging"
	"github.com/logifn/logifn/shared/reqctx"
	"github.com/logifn/logifn/shared/store"
	"github.com/sirupsen/logrus"
)

// reportPage is how many outcomes the report reads per query.
const reportPage = 2000

// ReportHeader is the report's first row.
var ReportHeader = []string{"line", "waybill", "outcome", "reason"}

// finish writes the report and marks the file complete once no chunk of
// it is left. Two deliveries finishing at once write the same report.
func (f *Function) finish(ctx context.Context, file *store.ScanFile) error {
	pending, err := f.st.PendingScanChunks(ctx, file.Tenant, file.ID)
	if err != nil || pending > 0 {
		return err
	}
	key := reportKey(file.Key)
	if err := f.writeReport(ctx, file, key); err != nil {
		return err
	}
	if err := f.st.CompleteScanFile(ctx, file.Tenant, file.ID, key); err != nil {
		return err
	}
	counts, err := f.st.ScanOutcomes(ctx, file.Tenant, file.ID)
	if err != nil {
		return err
	}
	fields := logrus.Fields{logging.FieldTenant: file.Tenant, "report_key": key}
	for outcome, n := range counts {
		fields["lines_"+outcome] = n
	}
	reqctx.Logger(ctx).WithFields(fields).Info("scan file applied")
	return nil
}

// errReportAborted stops the report's writer when the upload gives up.
var errReportAborted = errors.New("report upload ended")

// writeReport writes file's report at key, streaming it from the database
// twice: once to learn its size, which the bucket wants first, and once
// into the upload. Memory stays bounded however many lines the file had.
func (f *Function) writeReport(ctx context.Context, file *store.ScanFile, key string) error {
	chunks, err := f.st.ScanChunks(ctx, file.Tenant, file.ID)
	if err != nil {
		return err
	}
	var size countingWriter
	if err := f.report(ctx, file, chunks, &size); err != nil {
		return err
	}
	pr, pw := io.Pipe()
	written := make(chan error, 1)
	go func() {
		err := f.report(ctx, file, chunks, pw)
		pw.CloseWithError(err)
		written <- err
	}()
	_, err = f.blob.Put(ctx, key, pr, size.n, "text/csv; charset=utf-8")
	pr.CloseWithError(errReportAborted)
	if werr := <-written; werr != nil && !errors.Is(werr, errReportAborted) && err == nil {
		err = werr
	}
	if err != nil {
		return fmt.Errorf("write report %s: %w", key, err)
	}
	return nil
}

// report writes file's report to w: a row per reported line, in line
// order, numbered as in the file.
func (f *Function) report(ctx context.Context, file *store.ScanFile, chunks []store.ScanChunk, w io.Writer) error {
	cw := csv.NewWriter(w)
	_ = cw.Write(ReportHeader)
	if file.Problem != "" {
		_ = cw.Write([]string{"1", "", OutcomeInvalid, reportText(file.Problem)})
	}
	base := int64(file.HeaderLines)
	for _, c := range chunks {
		for after := int64(0); ; {
			page, err := f.st.ScanLines(ctx, file.Tenant, file.ID, c.No, after, reportPage)
			if err != nil {
				return err
			}
			for _, l := range page {
				if err := cw.Write([]string{strconv.FormatInt(base+l.Line, 10), l.Waybill, l.Outcome, reportText(l.Reason)}); err != nil {
					return err
				}
			}
			if len(page) < reportPage {
				break
			}
			after = page[len(page)-1].Line
		}
		base += c.Lines
	}
	cw.Flush()
	return cw.Error()
}

// countingWriter counts what is written to it.
type countingWriter struct{ n int64 }

func (c *countingWriter) Write(p []byte) (int, error) {
	c.n += int64(len(p))
	return len(p), nil
}

// reportText makes text from a scan file safe to show in the report: UTF-8,
// no control characters, and no leading character a spreadsheet would take
// for the start of a formula.
func reportText(s string) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	s = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) {
			return ' '
		}
		return r
	}, s)
	if s != "" && strings.ContainsRune("=+-@", rune(s[0])) {
		s = "'" + s
	}
	return s
}
