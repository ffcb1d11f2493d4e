package shipmentlist

import (
	"encoding/base64"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/logifn/logifn/shared/domain"
	"github.com/logifn/logifn/shared/store"
)

// Page sizes.
const (
	DefaultLimit = 20
	MaxLimit     = 100
)

// parseFilter reads the query string strictly: unknown parameters, repeated
// ones and bad values are rejected with the parameter named.
func parseFilter(q url.Values) (store.ShipmentFilter, error) {
	f := store.ShipmentFilter{Limit: DefaultLimit}
	var probs domain.Problems
	for name, vals := range q {
		if len(vals) != 1 {
			probs.Add(name, "give it once")
			continue
		}
		v := strings.TrimSpace(vals[0])
		switch name {
		case "status":
			f.Status = domain.Status(v)
			if !f.Status.Valid() {
				probs.Add(name, "unknown status %q", v)
			}
		case "station":
			f.Station = v
			if !domain.ValidStationCode(v) {
				probs.Add(name, "must be a station code")
			}
		case "customer_id":
			f.CustomerID = v
			if v == "" || len(v) > 64 {
				probs.Add(name, "must be 1 to 64 characters")
			}
		case "created_from", "created_to":
			t, err := time.Parse(time.RFC3339, v)
			if err != nil {
				probs.Add(name, "must be an RFC 3339 time such as 2026-01-02T03:04:05Z")
			}
			if name == "created_from" {
				f.CreatedFrom = t
			} else {
				f.CreatedTo = t
			}
		case "limit":
			n, err := strconv.Atoi(v)
			if err != nil || n < 1 || n > MaxLimit {
				probs.Add(name, "must be a whole number from 1 to %d", MaxLimit)
			}
			f.Limit = n
		case "cursor":
			id, ok := decodeCursor(v)
			if !ok {
				probs.Add(name, "is not a cursor this API returned")
			}
			f.Before = id
		default:
			probs.Add(name, "unknown query parameter")
		}
	}
	if !f.CreatedFrom.IsZero() && !f.CreatedTo.IsZero() && !f.CreatedFrom.Before(f.CreatedTo) {
		probs.Add("created_to", "must be after created_from")
	}
	if err := probs.Err(); err != nil {
		return f, &domain.Error{Kind: domain.KindInvalid, Code: "invalid_query", Message: "the query has invalid parameters", Details: probs}
	}
	return f, nil
}

// Cursors are opaque to callers: the id of the last shipment on the page.
const cursorPrefix = "s1."

func encodeCursor(id int64) string {
	return base64.RawURLEncoding.EncodeToString([]byte(cursorPrefix + strconv.FormatInt(id, 10)))
}

func decodeCursor(s string) (int64, bool) {
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil || !strings.HasPrefix(string(b), cursorPrefix) {
		return 0, false
	}
	id, err := strconv.ParseInt(string(b[len(cursorPrefix):]), 10, 64)
	if err != nil || id < 1 {
		return 0, false
	}
	return id, true
}
