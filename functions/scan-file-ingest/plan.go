package scanfileingest

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"unicode/utf8"

	"github.com/logifn/logifn/shared/blob"
	"github.com/logifn/logifn/shared/domain"
	"github.com/logifn/logifn/shared/store"
)

// plan reads what a new file needs before its lines are applied, without
// reading the file whole: a CSV file's header, and the line boundaries
// that split a large file into chunks of about chunkBytes. A header that
// cannot be used becomes the file's problem, and the file gets no chunks.
func (f *Function) plan(ctx context.Context, ref fileRef, bucket string, meta blob.Object) (*store.ScanFile, []store.ScanChunk, error) {
	file := &store.ScanFile{Tenant: ref.Tenant, Bucket: bucket, Key: ref.Key, ETag: meta.ETag, Size: meta.Size,
		Format: ref.Format, Station: ref.Station}
	start := int64(0)
	if ref.Format == store.ScanFileCSV && meta.Size > 0 {
		header, end, err := f.readHeader(ctx, ref.Key)
		if err != nil {
			return nil, nil, err
		}
		file.HeaderLines = 1
		if problem := headerProblem(header); problem != "" {
			file.Problem = problem + "; no line of the file was applied: correct the header row and upload the file again"
			return file, nil, nil
		}
		file.Header, start = string(header.Text), end
	}
	var chunks []store.ScanChunk
	for at := start; at < meta.Size; {
		end := meta.Size
		if at+f.chunkBytes < meta.Size {
			var err error
			if end, err = f.lineStart(ctx, ref.Key, at+f.chunkBytes, meta.Size); err != nil {
				return nil, nil, err
			}
		}
		chunks = append(chunks, store.ScanChunk{No: len(chunks), Start: at, End: end})
		at = end
	}
	return file, chunks, nil
}

// readHeader returns a CSV file's first line and the offset after it.
func (f *Function) readHeader(ctx context.Context, key string) (rawLine, int64, error) {
	r, err := f.blob.Open(ctx, key, 0, -1)
	if err != nil {
		return rawLine{}, 0, fmt.Errorf("scan file %s: %w", key, err)
	}
	defer r.Close()
	raw, err := newLineReader(r, 0, 0).next()
	if err != nil {
		return rawLine{}, 0, domain.Wrap(domain.KindUnavailable, "object_read_failed", "the scan file's header could not be read", err)
	}
	raw.Text = bytes.Clone(raw.Text)
	return raw, raw.End, nil
}

// headerProblem says what is wrong with a CSV file's first line as its
// header row, or "".
func headerProblem(raw rawLine) string {
	switch {
	case raw.TooLong:
		return fmt.Sprintf("the header row is longer than %d bytes", MaxLineBytes)
	case !utf8.Valid(raw.Text):
		return "the header row is not UTF-8 text; save the file as UTF-8"
	case len(bytes.TrimSpace(raw.Text)) == 0:
		return "the first line must be the header row naming the columns"
	}
	if _, err := parseHeader(string(raw.Text)); err != nil {
		return err.Error()
	}
	return ""
}

// lineStart returns the offset of the first line that starts at or after
// at: just past the first line ending at or after at-1, or size when no
// line ending follows. It reads forward from at-1 in blocks, so a long
// line costs reading, never memory.
func (f *Function) lineStart(ctx context.Context, key string, at, size int64) (int64, error) {
	r, err := f.blob.Open(ctx, key, at-1, -1)
	if err != nil {
		return 0, fmt.Errorf("scan file %s: %w", key, err)
	}
	defer r.Close()
	buf := make([]byte, 32<<10)
	pos := at - 1
	for {
		n, err := r.Read(buf)
		if i := bytes.IndexByte(buf[:n], '\n'); i >= 0 {
			return pos + int64(i) + 1, nil
		}
		pos += int64(n)
		switch {
		case errors.Is(err, io.EOF):
			return size, nil
		case err != nil:
			return 0, domain.Wrap(domain.KindUnavailable, "object_read_failed", "the scan file could not be read to split it", err)
		}
	}
}
