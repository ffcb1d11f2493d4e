package store

import (
	"cmp"
	"database/sql"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/logifn/logifn/shared/domain"
)

// pageTextFields are the text columns of a listed shipment, in the order
// pageRow.shipment reads them. The tenant is left out: the caller knows it.
var pageTextFields = [...]string{"waybill", "customer_id",
	"sender_name", "sender_phone", "sender_province", "sender_city", "sender_district", "sender_detail",
	"receiver_name", "receiver_phone", "receiver_province", "receiver_city", "receiver_district", "receiver_detail",
	"service_level", "origin_station", "destination_station", "currency", "status"}

// packedText is an expression that packs the text columns of shipment s
// into one, each as its length in bytes, a colon and its bytes: unpackText
// reads them back. The driver and database/sql handle each column of each
// row one by one, with an allocation or two for each; a packed shipment
// costs them one column instead of nineteen. CONCAT and OCTET_LENGTH mean
// the same in MySQL and SQLite, and the columns are never NULL.
var packedText = func() string {
	parts := make([]string, len(pageTextFields))
	for i, c := range pageTextFields {
		parts[i] = `OCTET_LENGTH(s.` + c + `),':',s.` + c
	}
	return `CONCAT(` + strings.Join(parts, `,`) + `)`
}()

// pageQuery returns the query of a page of shipments with their items, in
// one round trip. The page's ids, p, are picked on an index alone; then
// comes a row per shipment (seq 0) and a row per item, in no particular
// order: sorting them would cost the database a temporary table, and
// readPage puts them in order. Both kinds of row share columns: text is
// the packed text of a shipment or the name of an item, n1 to n6 the
// numbers of either, and the times are a shipment's. Unlike a join, this
// sends each shipment once; unlike a query of its own for the items, it
// costs no round trip. The text is kept short: the driver reads all of it,
// byte by byte, to put the arguments in. CROSS JOIN makes SQLite walk p
// first (MySQL reads it as a plain join): left to itself, SQLite scanned
// every item of the tenant and probed p for each.
func (s *Store) pageQuery(tenant string, f ShipmentFilter) (string, []any) {
	ids, args := s.listQuery(tenant, f, `id`)
	return `WITH p AS (` + ids + `) SELECT s.id, 0 AS seq, ` + packedText + ` AS text, s.fee_amount AS n1,
	s.chargeable_weight_g AS n2, s.version AS n3, NULL AS n4, NULL AS n5, NULL AS n6, s.created_at, s.updated_at
	FROM p CROSS JOIN shipments s WHERE s.tenant_id = ? AND s.id = p.id UNION ALL SELECT i.shipment_id, i.seq, i.name,
	i.quantity, i.weight_g, i.length_mm, i.width_mm, i.height_mm, i.declared_value, NULL, NULL
	FROM p CROSS JOIN shipment_items i WHERE i.tenant_id = ? AND i.shipment_id = p.id`, append(args, tenant, tenant)
}

// pageRow is where readPage scans each row of pageQuery.
type pageRow struct {
	id, seq          int64
	text             []byte
	n                [6]int64
	created, updated time.Time
}

// dest returns the scan destinations of pageQuery's columns.
func (r *pageRow) dest() []any {
	return []any{int64Col{&r.id}, int64Col{&r.seq}, bytesCol{&r.text},
		int64Col{&r.n[0]}, int64Col{&r.n[1]}, int64Col{&r.n[2]}, int64Col{&r.n[3]}, int64Col{&r.n[4]}, int64Col{&r.n[5]},
		nullTimeCol{&r.created}, nullTimeCol{&r.updated}}
}

// readPage reads the rows of pageQuery: up to limit shipments of tenant,
// newest first, allocated together, and their items, which share one
// array.
func readPage(rows *sql.Rows, tenant string, limit int) ([]*domain.Shipment, error) {
	var r pageRow
	dest := r.dest()
	list := make([]*domain.Shipment, 0, limit)
	shipments := make([]domain.Shipment, 0, limit)
	// Never nil: a shipment without items has an empty list, not none.
	items := make([]domain.Item, 0, 2*limit)
	var keys []itemKey
	for rows.Next() {
		if err := rows.Scan(dest...); err != nil {
			return nil, err
		}
		if r.seq != 0 {
			items, keys = append(items, r.item()), append(keys, itemKey{r.id, r.seq})
			continue
		}
		sh, err := r.shipment(tenant)
		if err != nil {
			return nil, err
		}
		if len(shipments) == cap(shipments) {
			shipments = make([]domain.Shipment, 0, limit) // list points into the full one
		}
		shipments = append(shipments, sh)
		list = append(list, &shipments[len(shipments)-1])
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	return list, attachItems(list, items, keys)
}

// itemKey is the place of an item: its shipment's id and its seq there.
type itemKey struct{ id, seq int64 }

func (k itemKey) compare(o itemKey) int {
	return cmp.Or(cmp.Compare(o.id, k.id), cmp.Compare(k.seq, o.seq))
}

// attachItems orders list newest first and gives each shipment its items,
// in order, valued in its currency; keys[i] is the place of items[i]. The
// rows come in the order of the query's plan, which is most often this
// order already: checking it costs a comparison per row.
func attachItems(list []*domain.Shipment, items []domain.Item, keys []itemKey) error {
	byID := func(a, b *domain.Shipment) int { return cmp.Compare(b.ID, a.ID) }
	if !slices.IsSortedFunc(list, byID) {
		slices.SortFunc(list, byID)
	}
	if !slices.IsSortedFunc(keys, itemKey.compare) {
		order := make([]int, len(keys))
		for i := range order {
			order[i] = i
		}
		slices.SortFunc(order, func(a, b int) int { return keys[a].compare(keys[b]) })
		sortedItems, sortedKeys := make([]domain.Item, len(items)), make([]itemKey, len(keys))
		for i, o := range order {
			sortedItems[i], sortedKeys[i] = items[o], keys[o]
		}
		items, keys = sortedItems, sortedKeys
	}
	j := 0
	for _, sh := range list {
		start := j
		for ; j < len(keys) && keys[j].id == sh.ID; j++ {
			items[j].DeclaredValue.Currency = sh.Currency
		}
		// Capped, so that appending to one shipment's items never
		// overwrites the next one's.
		sh.Items = items[start:j:j]
	}
	if j < len(keys) {
		return fmt.Errorf("item %d of shipment %d, which is not on the page", keys[j].seq, keys[j].id)
	}
	return nil
}

// shipment returns the shipment of tenant that r holds.
func (r *pageRow) shipment(tenant string) (domain.Shipment, error) {
	var t [len(pageTextFields)]string
	if err := unpackText(string(r.text), t[:]); err != nil {
		return domain.Shipment{}, fmt.Errorf("shipment %d: %w", r.id, err)
	}
	currency := t[17]
	return domain.Shipment{ID: r.id, Tenant: tenant, Waybill: domain.Waybill(t[0]), CustomerID: t[1],
		Sender: domain.Party{Name: t[2], Phone: t[3], Address: domain.Address{
			Province: t[4], City: t[5], District: t[6], Detail: t[7]}},
		Receiver: domain.Party{Name: t[8], Phone: t[9], Address: domain.Address{
			Province: t[10], City: t[11], District: t[12], Detail: t[13]}},
		ServiceLevel: domain.ServiceLevel(t[14]), OriginStation: t[15], DestinationStation: t[16],
		Currency: currency, Fee: domain.Money{Amount: r.n[0], Currency: currency}, ChargeableWeightG: r.n[1],
		Status: domain.Status(t[18]), Version: r.n[2], CreatedAt: r.created, UpdatedAt: r.updated}, nil
}

// item returns the item that r holds, without its currency.
func (r *pageRow) item() domain.Item {
	return domain.Item{Name: string(r.text), Quantity: int(r.n[0]), WeightG: r.n[1],
		LengthMM: r.n[2], WidthMM: r.n[3], HeightMM: r.n[4], DeclaredValue: domain.Money{Amount: r.n[5]}}
}

// unpackText splits packed, made by packedText, into fields: substrings of
// packed, which costs no allocation. The lengths must account for every
// byte, else packed is not what packedText makes.
func unpackText(packed string, fields []string) error {
	for i := range fields {
		n, digits := 0, 0
		for ; digits < len(packed) && digits < 9 && '0' <= packed[digits] && packed[digits] <= '9'; digits++ {
			n = n*10 + int(packed[digits]-'0')
		}
		if digits == 0 || digits == len(packed) || packed[digits] != ':' || n > len(packed)-digits-1 {
			return fmt.Errorf("packed text: bad length of field %d", i)
		}
		fields[i], packed = packed[digits+1:digits+1+n], packed[digits+1+n:]
	}
	if packed != "" {
		return fmt.Errorf("packed text: %d bytes after the last field", len(packed))
	}
	return nil
}
