package store

import (
	"cmp"
	"database/sql"
	"fmt"
	"slices"
	"strings"

	"github.com/logifn/logifn/shared/domain"
)

// pageTextFields are the text columns of a listed shipment, in the order
// unpacker.shipment reads them. The tenant is left out: the caller knows it.
var pageTextFields = [...]string{"waybill", "customer_id",
	"sender_name", "sender_phone", "sender_province", "sender_city", "sender_district", "sender_detail",
	"receiver_name", "receiver_phone", "receiver_province", "receiver_city", "receiver_district", "receiver_detail",
	"service_level", "origin_station", "destination_station", "currency", "status"}

// packedShipment is an expression that packs shipment s of a page and its
// items into one text, which unpacker.shipment takes apart (see
// packedReader): the id, fee, chargeable weight, version and times, each
// ended by a comma; the text columns, each as its length in bytes, a colon
// and its bytes; then the items, each packed the same way and separated by
// commas. The items come from a subquery per shipment on their primary
// key, in the order of its index, which is theirs; unpacker.shipment checks
// it. GROUP_CONCAT's default separator is a comma in both databases;
// MySQL's result is capped at group_concat_max_len bytes, which openMySQL
// raises for each connection above what a shipment's items can take.
// CONCAT, OCTET_LENGTH and COALESCE mean the same in MySQL and SQLite, and
// a time's text is the same in both (see parseStoredTime); the columns
// are never NULL, and a shipment without items has an empty list.
var packedShipment = func() string {
	parts := []string{`s.id`, `s.fee_amount`, `s.chargeable_weight_g`, `s.version`, `s.created_at`, `s.updated_at`}
	for i := range parts {
		parts[i] += `,','`
	}
	for _, c := range pageTextFields {
		parts = append(parts, `OCTET_LENGTH(s.`+c+`),':',s.`+c)
	}
	item := `CONCAT(i.seq,',',i.quantity,',',i.weight_g,',',i.length_mm,',',i.width_mm,',',i.height_mm,',',` +
		`i.declared_value,',',OCTET_LENGTH(i.name),':',i.name)`
	parts = append(parts, `COALESCE((SELECT GROUP_CONCAT(`+item+`) FROM shipment_items i
		WHERE i.tenant_id = s.tenant_id AND i.shipment_id = s.id), '')`)
	return `CONCAT(` + strings.Join(parts, `,`) + `)`
}()

// pageQuery returns the query of a page of shipments with their items, in
// one round trip and one row per shipment. The page's ids, p, are picked
// on an index alone; then come the shipments by primary key, in no
// particular order: sorting them would cost the database a temporary
// table, and readPage puts them in order. The query is the same for every
// filter of one shape, so that it is prepared once (see pageStmts). CROSS
// JOIN makes SQLite walk p first (MySQL reads it as a plain join).
func (s *Store) pageQuery(tenant string, f ShipmentFilter) (string, []any) {
	ids, args := s.listQuery(tenant, f, `id`)
	return `WITH p AS (` + ids + `) SELECT ` + packedShipment + `
	FROM p CROSS JOIN shipments s WHERE s.tenant_id = ? AND s.id = p.id`, append(args, tenant)
}

// readPage reads the rows of pageQuery: up to limit shipments of tenant,
// newest first, allocated together, and their items, which share one
// array.
func readPage(rows *sql.Rows, tenant string, limit int) ([]*domain.Shipment, error) {
	var packed string
	dest := packedCol{&packed}
	list := make([]*domain.Shipment, 0, limit)
	shipments := make([]domain.Shipment, 0, limit)
	// Never nil: a shipment without items has an empty list, not none.
	u := unpacker{items: make([]domain.Item, 0, 2*limit)}
	for rows.Next() {
		if err := rows.Scan(dest); err != nil {
			return nil, err
		}
		if len(shipments) == cap(shipments) {
			shipments = make([]domain.Shipment, 0, limit) // list points into the full one
		}
		shipments = append(shipments, domain.Shipment{Tenant: tenant})
		sh := &shipments[len(shipments)-1]
		if err := u.shipment(packed, sh); err != nil {
			return nil, err
		}
		list = append(list, sh)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	byID := func(a, b *domain.Shipment) int { return cmp.Compare(b.ID, a.ID) }
	if !slices.IsSortedFunc(list, byID) {
		slices.SortFunc(list, byID)
	}
	return list, nil
}

// unpacker takes packed shipments apart; the items of all of them share
// one array.
type unpacker struct {
	items []domain.Item
	seqs  []int64 // the seq of each item of the shipment at hand
}

// shipment fills sh, whose tenant is set, from packed, made by
// packedShipment, items included.
func (u *unpacker) shipment(packed string, sh *domain.Shipment) error {
	r := packedReader{s: packed}
	sh.ID, sh.Fee.Amount, sh.ChargeableWeightG, sh.Version = r.int(), r.int(), r.int(), r.int()
	sh.CreatedAt, sh.UpdatedAt = r.time(), r.time()
	sh.Waybill, sh.CustomerID = domain.Waybill(r.text()), r.text()
	readParty(&r, &sh.Sender)
	readParty(&r, &sh.Receiver)
	sh.ServiceLevel, sh.OriginStation, sh.DestinationStation = domain.ServiceLevel(r.text()), r.text(), r.text()
	sh.Currency, sh.Status = r.text(), domain.Status(r.text())
	sh.Fee.Currency = sh.Currency
	start := len(u.items)
	u.seqs = u.seqs[:0]
	for first := true; r.more(first); first = false {
		u.seqs = append(u.seqs, r.int())
		it := domain.Item{Quantity: int(r.int()), WeightG: r.int(), LengthMM: r.int(), WidthMM: r.int(), HeightMM: r.int(),
			DeclaredValue: domain.Money{Amount: r.int(), Currency: sh.Currency}}
		it.Name = r.text()
		u.items = append(u.items, it)
	}
	if r.err != nil {
		return fmt.Errorf("shipment %d: %w", sh.ID, r.err)
	}
	mine := u.items[start:]
	if !slices.IsSorted(u.seqs) {
		sortBySeq(mine, u.seqs)
	}
	// Capped, so that appending to one shipment's items never overwrites
	// the next one's.
	sh.Items = mine[:len(mine):len(mine)]
	return nil
}

// readParty reads a party's text columns in pageTextFields' order.
func readParty(r *packedReader, p *domain.Party) {
	p.Name, p.Phone = r.text(), r.text()
	p.Address.Province, p.Address.City, p.Address.District, p.Address.Detail = r.text(), r.text(), r.text(), r.text()
}

// sortBySeq puts items in the order of their seqs, seqs[i] being that of
// items[i].
func sortBySeq(items []domain.Item, seqs []int64) {
	order := make([]int, len(items))
	for i := range order {
		order[i] = i
	}
	slices.SortFunc(order, func(a, b int) int { return cmp.Compare(seqs[a], seqs[b]) })
	sorted := make([]domain.Item, len(items))
	for i, o := range order {
		sorted[i] = items[o]
	}
	copy(items, sorted)
}
