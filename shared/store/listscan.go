package store

import (
	"fmt"
	"strconv"
	"time"
)

// Column scanners for listings. database/sql converts a column into an
// *int64 by reflection; a listing reads hundreds of columns per page, so
// it scans through these instead, and text into a buffer it reuses. Each
// accepts NULL as the zero value, which the listing's padding columns are.

// bytesCol scans a text column into a buffer it reuses from row to row.
type bytesCol struct{ b *[]byte }

func (c bytesCol) Scan(src any) error {
	switch v := src.(type) {
	case []byte:
		*c.b = append((*c.b)[:0], v...)
	case string:
		*c.b = append((*c.b)[:0], v...)
	case nil:
		*c.b = (*c.b)[:0]
	default:
		return fmt.Errorf("scan text: unexpected %T", src)
	}
	return nil
}

// int64Col scans an integer column.
type int64Col struct{ p *int64 }

func (c int64Col) Scan(src any) error {
	switch v := src.(type) {
	case int64:
		*c.p = v
	case nil:
		*c.p = 0
	case []byte:
		n, err := strconv.ParseInt(string(v), 10, 64)
		if err != nil {
			return fmt.Errorf("scan integer: %w", err)
		}
		*c.p = n
	default:
		return fmt.Errorf("scan integer: unexpected %T", src)
	}
	return nil
}

// nullTimeCol scans a time column as scanTime does, NULL as the zero time.
type nullTimeCol struct{ t *time.Time }

func (c nullTimeCol) Scan(src any) error {
	if src == nil {
		*c.t = time.Time{}
		return nil
	}
	return timeScanner(c).Scan(src)
}
